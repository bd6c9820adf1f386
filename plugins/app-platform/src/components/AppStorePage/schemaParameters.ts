/** One parameter of a definition's JSON Schema, as the detail view lists it. */
export type SchemaParameter = {
  /** Dotted from the top, e.g. `persistence.size`. */
  path: string;
  /** 0 for a top-level parameter, 1 for a property of one, and so on. */
  depth: number;
  title: string;
  description?: string;
  type: string;
  /** The default as text (JSON for anything but a string). */
  defaultValue?: string;
  enumValues?: string[];
  /** Human-readable limits: ranges, lengths, patterns, formats. */
  constraints: string[];
  required: boolean;
  /** The property's own schema, for a form that edits it. */
  schema: Record<string, unknown>;
};

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asText = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

function rangeOf(
  schema: Schema,
  low: string,
  high: string,
  unit = '',
): string | undefined {
  const min = schema[low];
  const max = schema[high];
  if (min !== undefined && max !== undefined) return `${min} to ${max}${unit}`;
  if (min !== undefined) return `at least ${min}${unit}`;
  if (max !== undefined) return `at most ${max}${unit}`;
  return undefined;
}

function constraintsOf(schema: Schema): string[] {
  const constraints = [
    rangeOf(schema, 'minimum', 'maximum'),
    schema.exclusiveMinimum !== undefined
      ? `more than ${schema.exclusiveMinimum}`
      : undefined,
    schema.exclusiveMaximum !== undefined
      ? `less than ${schema.exclusiveMaximum}`
      : undefined,
    schema.multipleOf !== undefined
      ? `a multiple of ${schema.multipleOf}`
      : undefined,
    rangeOf(schema, 'minLength', 'maxLength', ' characters'),
    rangeOf(schema, 'minItems', 'maxItems', ' items'),
    schema.pattern !== undefined ? `matches ${schema.pattern}` : undefined,
    schema.format === 'password'
      ? 'a password: generated when not given, never shown again'
      : undefined,
    schema.format !== undefined && schema.format !== 'password'
      ? `format ${schema.format}`
      : undefined,
    schema.const !== undefined ? `exactly ${asText(schema.const)}` : undefined,
    isSchema(schema.not) && schema.not.const !== undefined
      ? `not ${asText(schema.not.const)}`
      : undefined,
  ];
  return constraints.filter((c): c is string => c !== undefined);
}

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.enum)) return 'one of the values';
  return 'any';
}

/** An object's `{}` default only says "apply the defaults of my properties": not worth showing. */
function shownDefault(schema: Schema): string | undefined {
  if (schema.default === undefined) return undefined;
  if (isSchema(schema.default) && Object.keys(schema.default).length === 0) {
    return undefined;
  }
  return asText(schema.default);
}

/**
 * The parameters of a JSON Schema of type object, depth first: each
 * property with what a user needs to fill it in, and the properties of
 * nested objects (e.g. `persistence`) right after their parent.
 */
export function schemaParameters(
  schema: unknown,
  parent = '',
  depth = 0,
): SchemaParameter[] {
  if (!isSchema(schema) || !isSchema(schema.properties)) return [];
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(schema.properties).flatMap(([name, property]) => {
    if (!isSchema(property)) return [];
    const path = parent ? `${parent}.${name}` : name;
    const parameter: SchemaParameter = {
      path,
      depth,
      title: typeof property.title === 'string' ? property.title : name,
      description:
        typeof property.description === 'string'
          ? property.description
          : undefined,
      type: typeOf(property),
      defaultValue: shownDefault(property),
      enumValues: Array.isArray(property.enum)
        ? property.enum.map(asText)
        : undefined,
      constraints: constraintsOf(property),
      required: required.includes(name),
      schema: property,
    };
    return [parameter, ...schemaParameters(property, path, depth + 1)];
  });
}

/** The values a select offers for a top-level `enum` parameter, and its default. */
export function enumChoices(
  schema: unknown,
  name: string,
): { values: string[]; defaultValue?: string } {
  const property =
    isSchema(schema) && isSchema(schema.properties)
      ? schema.properties[name]
      : undefined;
  if (!isSchema(property) || !Array.isArray(property.enum)) {
    return { values: [] };
  }
  return {
    values: property.enum.map(asText),
    defaultValue:
      property.default !== undefined ? asText(property.default) : undefined,
  };
}
