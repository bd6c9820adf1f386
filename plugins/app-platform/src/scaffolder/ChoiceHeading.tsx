import { Text } from '@backstage/ui';
import { useScaffolderTheme } from '@backstage/plugin-scaffolder-react/alpha';
import Typography from '@material-ui/core/Typography';

/** The heading of a group of choices, in the form's toolkit. */
export const ChoiceHeading = (props: { children: string }) => {
  const theme = useScaffolderTheme();
  return theme === 'bui' ? (
    <Text as="h4" variant="title-x-small">
      {props.children}
    </Text>
  ) : (
    <Typography component="h4" variant="subtitle2">
      {props.children}
    </Typography>
  );
};
