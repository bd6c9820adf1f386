import { Flex, Radio, RadioGroup, Text } from '@backstage/ui';
import { useScaffolderTheme } from '@backstage/plugin-scaffolder-react/alpha';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import MuiRadio from '@material-ui/core/Radio';
import MuiRadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';

/** One answer of a {@link ChoiceRadios}. */
export type Choice = {
  value: string;
  label: string;
  description?: string;
  disabled?: boolean;
};

/**
 * One answer of a few, each with its description in view, drawn with the
 * form's toolkit: Backstage UI in a Backstage UI form, Material UI (the
 * scaffolder's default) otherwise.
 */
export const ChoiceRadios = (props: {
  label: string;
  choices: Choice[];
  value?: string;
  onChange: (value: string) => void;
  required?: boolean;
  disabled?: boolean;
  invalid?: boolean;
}) => {
  const theme = useScaffolderTheme();
  if (theme === 'bui') {
    return (
      <RadioGroup
        label={props.label}
        isRequired={props.required}
        isDisabled={props.disabled}
        isInvalid={props.invalid}
        value={props.value ?? null}
        onChange={props.onChange}
      >
        {props.choices.map(choice => (
          <Radio
            key={choice.value}
            value={choice.value}
            isDisabled={choice.disabled}
          >
            <Flex direction="column" gap="0">
              <Text as="span">{choice.label}</Text>
              {choice.description ? (
                <Text as="span" variant="body-small" color="secondary">
                  {choice.description}
                </Text>
              ) : null}
            </Flex>
          </Radio>
        ))}
      </RadioGroup>
    );
  }
  return (
    <FormControl
      component="fieldset"
      margin="normal"
      required={props.required}
      disabled={props.disabled}
      error={props.invalid}
    >
      <FormLabel component="legend">{props.label}</FormLabel>
      <MuiRadioGroup
        value={props.value ?? ''}
        onChange={(_event, value) => props.onChange(value)}
      >
        {props.choices.map(choice => (
          <FormControlLabel
            key={choice.value}
            value={choice.value}
            disabled={choice.disabled}
            control={<MuiRadio />}
            label={
              <>
                <Typography component="span" display="block">
                  {choice.label}
                </Typography>
                {choice.description ? (
                  <Typography
                    component="span"
                    display="block"
                    variant="body2"
                    color="textSecondary"
                  >
                    {choice.description}
                  </Typography>
                ) : null}
              </>
            }
          />
        ))}
      </MuiRadioGroup>
    </FormControl>
  );
};
