import { InputError } from '@backstage/errors';
import Ajv, { ValidateFunction } from 'ajv';
import { randomInt } from 'node:crypto';
import { MiddlewareDefinition } from './MiddlewareDefinition';
import { parameterErrors } from './parameterErrors';

/** Hints for the portal's form (react-jsonschema-form); validation ignores them. */
const FORM_KEYWORDS = [
  'ui:widget',
  'ui:help',
  'ui:placeholder',
  'ui:options',
  'ui:field',
];

/** Parameters a caller may send at most (their JSON), so validation stays cheap. */
const MAX_PARAMETERS_JSON = 64 * 1024;

const PASSWORD_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * An Ajv for parameter schemas: strict (an unknown keyword or format in a
 * definition is an error, not silently ignored), defaults filled in, every
 * error reported. `format: password` marks what is generated when not given.
 */
export function createParametersAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: true });
  ajv.addFormat('password', true);
  ajv.addVocabulary(FORM_KEYWORDS);
  return ajv;
}

const validators = new WeakMap<object, ValidateFunction>();

function validatorOf(definition: MiddlewareDefinition): ValidateFunction {
  let validate = validators.get(definition.parametersSchema);
  if (!validate) {
    validate = createParametersAjv().compile(definition.parametersSchema);
    validators.set(definition.parametersSchema, validate);
  }
  return validate;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Dotted paths of the password parameters (`format: password`) in a schema. */
export function passwordParameters(schema: unknown, prefix = ''): string[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const paths: string[] = [];
  for (const [key, property] of Object.entries(schema.properties)) {
    if (!isObject(property)) continue;
    const at = prefix ? `${prefix}.${key}` : key;
    if (property.type === 'string' && property.format === 'password') {
      paths.push(at);
    } else {
      paths.push(...passwordParameters(property, at));
    }
  }
  return paths;
}

function lookup(
  data: Json,
  dottedPath: string,
): { parent?: Json; key: string } {
  const keys = dottedPath.split('.');
  let parent: unknown = data;
  for (const key of keys.slice(0, -1)) {
    parent = isObject(parent) ? parent[key] : undefined;
  }
  return {
    parent: isObject(parent) ? parent : undefined,
    key: keys[keys.length - 1],
  };
}

/** How answers show a password or a Secret's value. */
export const REDACTED = '<redacted>';

/**
 * A copy of resolved parameters with every password parameter replaced by
 * `mask`, for answers and logs that must not carry them.
 */
export function redactPasswords(
  definition: MiddlewareDefinition,
  parameters: Record<string, unknown>,
  mask = REDACTED,
): Record<string, unknown> {
  const copy = structuredClone(parameters) as Json;
  for (const at of passwordParameters(definition.parametersSchema)) {
    const { parent, key } = lookup(copy, at);
    if (parent && parent[key] !== undefined) parent[key] = mask;
  }
  return copy;
}

/**
 * Resolved parameters split into what a record's spec may show (the
 * passwords left out) and the passwords, which the platform keeps encrypted.
 */
export function takePasswords(
  definition: MiddlewareDefinition,
  parameters: Record<string, unknown>,
): { parameters: Json; passwords: Record<string, string> } {
  const copy = structuredClone(parameters) as Json;
  const passwords: Record<string, string> = {};
  for (const at of passwordParameters(definition.parametersSchema)) {
    const { parent, key } = lookup(copy, at);
    if (parent && typeof parent[key] === 'string') {
      passwords[at] = parent[key] as string;
      delete parent[key];
    }
  }
  return { parameters: copy, passwords };
}

/** The inverse of `takePasswords`: parameters to render with. */
export function restorePasswords(
  parameters: Record<string, unknown>,
  passwords: Record<string, string>,
): Json {
  const copy = structuredClone(parameters) as Json;
  for (const [at, password] of Object.entries(passwords)) {
    const keys = at.split('.');
    let parent = copy;
    for (const key of keys.slice(0, -1)) {
      if (!isObject(parent[key])) parent[key] = {};
      parent = parent[key] as Json;
    }
    parent[keys[keys.length - 1]] = password;
  }
  return copy;
}

/** 24 letters and digits from the system's CSPRNG (~143 bits). */
export function generatePassword(): string {
  let password = '';
  for (let i = 0; i < 24; i++) {
    password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  }
  return password;
}

function validated(definition: MiddlewareDefinition, given: unknown): Json {
  if (given !== undefined && !isObject(given)) {
    throw new InputError('parameters: must be an object');
  }
  const json = JSON.stringify(given ?? {});
  if (json.length > MAX_PARAMETERS_JSON) {
    throw new InputError(
      `parameters: at most ${MAX_PARAMETERS_JSON} characters of JSON`,
    );
  }
  const parameters = JSON.parse(json) as Json;
  const validate = validatorOf(definition);
  if (!validate(parameters)) {
    throw new InputError(
      `Invalid parameters for middleware "${
        definition.name
      }": ${parameterErrors(validate.errors, 'parameters')}`,
    );
  }
  return parameters;
}

/** What `resolveMiddlewareParameters` returns. */
export type ResolvedMiddlewareParameters = {
  /** Validated, with defaults and generated passwords filled in. */
  parameters: Json;
  /** Dotted paths of the passwords generated now: the caller must store them. */
  generated: string[];
};

/**
 * Validates an install's or upgrade's parameters against the definition's
 * JSON Schema (InputError naming each field), fills in the defaults, and
 * generates every password parameter that is not given. Rendering is
 * deterministic, so the caller stores the result and renders from it ever
 * after; a password generated here is never generated again.
 */
export function resolveMiddlewareParameters(
  definition: MiddlewareDefinition,
  given: unknown,
  options: { generatePassword?: () => string } = {},
): ResolvedMiddlewareParameters {
  const parameters = validated(definition, given);
  const generated: string[] = [];
  for (const at of passwordParameters(definition.parametersSchema)) {
    const { parent, key } = lookup(parameters, at);
    if (parent && (parent[key] === undefined || parent[key] === '')) {
      parent[key] = (options.generatePassword ?? generatePassword)();
      generated.push(at);
    }
  }
  // A generated password must satisfy the schema too (e.g. its minLength).
  return { parameters: validated(definition, parameters), generated };
}

/**
 * Checks parameters that were resolved before (as stored): valid against
 * the schema and no password missing. Returns them with defaults filled in,
 * which matters when a newer definition added a parameter.
 */
export function checkResolvedParameters(
  definition: MiddlewareDefinition,
  parameters: unknown,
): Json {
  const checked = validated(definition, parameters);
  for (const at of passwordParameters(definition.parametersSchema)) {
    const { parent, key } = lookup(checked, at);
    if (parent && (parent[key] === undefined || parent[key] === '')) {
      throw new InputError(
        `parameters.${at}: no password; resolve the parameters (resolveMiddlewareParameters) and store them before rendering`,
      );
    }
  }
  return checked;
}
