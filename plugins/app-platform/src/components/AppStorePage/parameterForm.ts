import {
  MiddlewareParameters,
  MiddlewareParameterValue,
} from '@internal/plugin-app-platform-common';
import { schemaParameters } from './schemaParameters';

/** How a parameter is entered; `group` is an object whose properties follow it. */
export type ParameterInput =
  | 'select'
  | 'checkbox'
  | 'integer'
  | 'number'
  | 'password'
  | 'text'
  | 'group';

/** One field of a definition's parameters form. */
export type ParameterField = {
  /** Dotted from the top, e.g. `persistence.size`. */
  path: string;
  depth: number;
  title: string;
  description?: string;
  required: boolean;
  input: ParameterInput;
  /** A select's values as the schema has them. */
  options: MiddlewareParameterValue[];
  defaultValue?: MiddlewareParameterValue;
};

/** What the form holds per field path: text as typed, a checkbox's state. */
export type ParameterValues = Record<string, string | boolean>;

/** Why a field's value cannot be sent, by field path. */
export type ParameterErrors = Record<string, string>;

/** A value as a field shows it: strings bare, anything else as JSON. */
export function valueText(value: MiddlewareParameterValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function inputOf(schema: Record<string, unknown>): ParameterInput | undefined {
  if (Array.isArray(schema.enum)) return 'select';
  switch (schema.type) {
    case 'boolean':
      return 'checkbox';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return schema.format === 'password' ? 'password' : 'text';
    case 'object':
      return 'group';
    default:
      // Arrays and untyped values have no field: they keep their default
      // (or, on an upgrade, their current value, since parameters merge).
      return undefined;
  }
}

/** The fields of a definition's JSON Schema, parents before their properties. */
export function parameterFields(schema: unknown): ParameterField[] {
  return schemaParameters(schema).flatMap(parameter => {
    const input = inputOf(parameter.schema);
    if (!input) return [];
    const { enum: options, default: defaultValue } = parameter.schema;
    return [
      {
        path: parameter.path,
        depth: parameter.depth,
        title: parameter.title,
        description: parameter.description,
        required: parameter.required,
        input,
        options: Array.isArray(options) ? options : [],
        defaultValue: defaultValue as MiddlewareParameterValue | undefined,
      },
    ];
  });
}

function valueAt(
  parameters: MiddlewareParameters | undefined,
  path: string,
): MiddlewareParameterValue | undefined {
  let value: MiddlewareParameterValue | undefined = parameters;
  for (const key of path.split('.')) {
    value =
      value && typeof value === 'object' && !Array.isArray(value)
        ? value[key]
        : undefined;
  }
  return value;
}

function setAt(
  parameters: MiddlewareParameters,
  path: string,
  value: MiddlewareParameterValue,
) {
  const keys = path.split('.');
  let parent = parameters;
  for (const key of keys.slice(0, -1)) {
    const child = parent[key];
    if (!child || typeof child !== 'object' || Array.isArray(child)) {
      parent[key] = {};
    }
    parent = parent[key] as MiddlewareParameters;
  }
  parent[keys[keys.length - 1]] = value;
}

/**
 * The form's first values: `current` parameters where given (an upgrade),
 * else the schema's defaults. Password fields start empty: the API only
 * ever shows them redacted.
 */
export function initialValues(
  fields: ParameterField[],
  current?: MiddlewareParameters,
): ParameterValues {
  const values: ParameterValues = {};
  for (const field of fields) {
    if (field.input === 'group') continue;
    if (field.input === 'password') {
      values[field.path] = '';
      continue;
    }
    const value = valueAt(current, field.path) ?? field.defaultValue;
    if (field.input === 'checkbox') values[field.path] = value === true;
    else values[field.path] = value === undefined ? '' : valueText(value);
  }
  return values;
}

type Parsed = { value?: MiddlewareParameterValue } | { error: string };

function parse(field: ParameterField, value: string | boolean): Parsed {
  if (field.input === 'checkbox') return { value: value === true };
  const text =
    field.input === 'password' ? String(value) : String(value).trim();
  if (text === '') {
    return field.required ? { error: `${field.title} is required.` } : {};
  }
  switch (field.input) {
    case 'integer':
      return Number.isInteger(Number(text))
        ? { value: Number(text) }
        : { error: `${field.title} must be a whole number.` };
    case 'number':
      return Number.isFinite(Number(text))
        ? { value: Number(text) }
        : { error: `${field.title} must be a number.` };
    case 'select': {
      const option = field.options.find(o => valueText(o) === text);
      return option === undefined
        ? { error: `${field.title} must be one of the listed values.` }
        : { value: option };
    }
    default:
      return { value: text };
  }
}

/**
 * The parameters to send, typed as the schema says, with the fields that
 * cannot be sent and why. An empty optional field is left out (the backend
 * applies its default, or generates a password). With `unchanged` (the
 * values the form started from on an upgrade), only the fields the user
 * changed are sent: the backend merges them over the current parameters.
 */
export function parametersFromValues(
  fields: ParameterField[],
  values: ParameterValues,
  unchanged?: ParameterValues,
): { parameters: MiddlewareParameters; errors: ParameterErrors } {
  const parameters: MiddlewareParameters = {};
  const errors: ParameterErrors = {};
  for (const field of fields) {
    if (field.input === 'group') continue;
    const value = values[field.path] ?? '';
    if (unchanged && value === (unchanged[field.path] ?? '')) continue;
    const parsed = parse(field, value);
    if ('error' in parsed) errors[field.path] = parsed.error;
    else if (parsed.value !== undefined) {
      setAt(parameters, field.path, parsed.value);
    }
  }
  return { parameters, errors };
}
