import { Box, Flex, Text } from '@backstage/ui';
import { SchemaParameter, schemaParameters } from './schemaParameters';

const ParameterItem = ({ parameter }: { parameter: SchemaParameter }) => (
  <Box
    as="li"
    aria-label={parameter.path}
    pl={parameter.depth > 0 ? String(parameter.depth * 4) : undefined}
    pb="2"
  >
    <Flex gap="2" align="baseline">
      <Text weight="bold">{parameter.title}</Text>
      <Text variant="body-small" color="secondary">
        <code>{parameter.path}</code> · {parameter.type}
        {parameter.required && ' · required'}
      </Text>
    </Flex>
    {parameter.description && (
      <Text as="p" variant="body-small">
        {parameter.description}
      </Text>
    )}
    {parameter.defaultValue !== undefined && (
      <Text as="p" variant="body-small">
        Default: <code>{parameter.defaultValue}</code>
      </Text>
    )}
    {parameter.enumValues && (
      <Text as="p" variant="body-small">
        One of: {parameter.enumValues.join(', ')}
      </Text>
    )}
    {parameter.constraints.length > 0 && (
      <Text as="p" variant="body-small" color="secondary">
        {parameter.constraints.join('; ')}
      </Text>
    )}
  </Box>
);

/** The parameters of a definition's JSON Schema, nested objects' properties under their parent. */
export const MiddlewareParameters = (props: { schema: unknown }) => {
  const parameters = schemaParameters(props.schema);
  if (parameters.length === 0) {
    return <Text as="p">This definition takes no parameters.</Text>;
  }
  return (
    <ul aria-label="Parameters" style={{ listStyle: 'none', padding: 0 }}>
      {parameters.map(parameter => (
        <ParameterItem key={parameter.path} parameter={parameter} />
      ))}
    </ul>
  );
};
