import { Checkbox, Flex, Text } from '@backstage/ui';
import { useScaffolderTheme } from '@backstage/plugin-scaffolder-react/alpha';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MuiCheckbox from '@material-ui/core/Checkbox';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/**
 * One yes-or-no answer with a line that explains it, drawn with the form's
 * toolkit like {@link ChoiceRadios}.
 */
export const ChoiceCheckbox = (props: {
  label: ReactNode;
  description?: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) => {
  const theme = useScaffolderTheme();
  if (theme === 'bui') {
    return (
      <Checkbox
        isSelected={props.checked}
        isDisabled={props.disabled}
        onChange={props.onChange}
      >
        <Flex direction="column" gap="0">
          <Text as="span">{props.label}</Text>
          {props.description ? (
            <Text as="span" variant="body-small" color="secondary">
              {props.description}
            </Text>
          ) : null}
        </Flex>
      </Checkbox>
    );
  }
  return (
    <FormControlLabel
      disabled={props.disabled}
      control={
        <MuiCheckbox
          checked={props.checked}
          onChange={event => props.onChange(event.target.checked)}
        />
      }
      label={
        <>
          <Typography component="span" display="block">
            {props.label}
          </Typography>
          {props.description ? (
            <Typography
              component="span"
              display="block"
              variant="body2"
              color="textSecondary"
            >
              {props.description}
            </Typography>
          ) : null}
        </>
      }
    />
  );
};
