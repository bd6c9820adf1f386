import { Text } from '@backstage/ui';
import { useScaffolderTheme } from '@backstage/plugin-scaffolder-react/alpha';
import Typography from '@material-ui/core/Typography';

/** A quiet line among choices, e.g. that a group has none, in the form's toolkit. */
export const ChoiceNote = (props: { children: string }) => {
  const theme = useScaffolderTheme();
  return theme === 'bui' ? (
    <Text as="p" variant="body-small" color="secondary">
      {props.children}
    </Text>
  ) : (
    <Typography variant="body2" color="textSecondary">
      {props.children}
    </Typography>
  );
};
