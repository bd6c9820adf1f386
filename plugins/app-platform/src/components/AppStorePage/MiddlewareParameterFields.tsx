import {
  Box,
  Checkbox,
  Flex,
  PasswordField,
  Select,
  Text,
  TextField,
} from '@backstage/ui';
import {
  ParameterErrors,
  ParameterField,
  ParameterValues,
  valueText,
} from './parameterForm';

/** What an empty password field means, said on the field. */
export type PasswordHint = { placeholder?: string; description: string };

const NOT_SET = '';

const FieldInput = (props: {
  field: ParameterField;
  value: string | boolean;
  error?: string;
  onChange: (value: string | boolean) => void;
  passwordHint: PasswordHint;
}) => {
  const { field, error } = props;
  const text = typeof props.value === 'string' ? props.value : '';
  // react-aria shows the error under the field and marks it invalid.
  const validation = {
    validate: () => error,
    validationBehavior: 'aria' as const,
  };
  switch (field.input) {
    case 'group':
      return (
        <Box>
          <Text as="h4" variant="body-medium" weight="bold">
            {field.title}
          </Text>
          {field.description && (
            <Text as="p" variant="body-small" color="secondary">
              {field.description}
            </Text>
          )}
        </Box>
      );
    case 'checkbox':
      return (
        <Checkbox isSelected={props.value === true} onChange={props.onChange}>
          {field.title}
        </Checkbox>
      );
    case 'select': {
      const defaultText =
        field.defaultValue !== undefined
          ? valueText(field.defaultValue)
          : undefined;
      const options = field.options.map(option => {
        const id = valueText(option);
        return { id, label: id === defaultText ? `${id} (default)` : id };
      });
      return (
        <Select
          label={field.title}
          description={field.description}
          isRequired={field.required}
          selectedKey={text}
          onSelectionChange={key => key !== null && props.onChange(String(key))}
          options={
            defaultText === undefined && !field.required
              ? [{ id: NOT_SET, label: 'Not set' }, ...options]
              : options
          }
        />
      );
    }
    case 'password':
      return (
        <PasswordField
          label={field.title}
          description={props.passwordHint.description}
          placeholder={props.passwordHint.placeholder}
          isRequired={field.required}
          value={text}
          onChange={props.onChange}
          {...validation}
        />
      );
    default:
      return (
        <TextField
          label={field.title}
          description={field.description}
          isRequired={field.required}
          inputMode={
            field.input === 'integer' || field.input === 'number'
              ? 'decimal'
              : undefined
          }
          value={text}
          onChange={props.onChange}
          {...validation}
        />
      );
  }
};

/**
 * The fields of a definition's parameters, built from its JSON Schema: a
 * select per enum, a checkbox per boolean, a password field per password,
 * text for the rest; an object's properties indented under its title. The
 * one parameters form of the App Store's preview and install and of an
 * instance's upgrade.
 */
export const MiddlewareParameterFields = (props: {
  fields: ParameterField[];
  values: ParameterValues;
  errors: ParameterErrors;
  onChange: (path: string, value: string | boolean) => void;
  passwordHint: PasswordHint;
}) => {
  if (props.fields.length === 0) {
    return <Text as="p">This definition takes no parameters.</Text>;
  }
  return (
    <Flex direction="column" gap="3">
      {props.fields.map(field => (
        <Box
          key={field.path}
          pl={field.depth > 0 ? String(field.depth * 4) : undefined}
        >
          <FieldInput
            field={field}
            value={props.values[field.path] ?? ''}
            error={props.errors[field.path]}
            onChange={value => props.onChange(field.path, value)}
            passwordHint={props.passwordHint}
          />
        </Box>
      ))}
    </Flex>
  );
};
