import { InputError } from '@backstage/errors';

type JsonSchema = Record<string, unknown>;

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isPassword = (schema: JsonSchema) => schema.format === 'password';

function containsPassword(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  return (
    isPassword(schema) ||
    (isSchema(schema.properties) &&
      Object.values(schema.properties).some(containsPassword)) ||
    containsPassword(schema.items)
  );
}

/** `parameters.persistence.size`, or `parameters["log-level"]` for a key that is no identifier. */
function expression(root: string, path: string[]) {
  return `\${{ ${root}${path
    .map(key =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
        ? `.${key}`
        : `[${JSON.stringify(key)}]`,
    )
    .join('')} }}`;
}

/** A form field backed by the scaffolder's secrets. */
type SecretField = {
  name: string;
  schema: JsonSchema;
  required: boolean;
};

/**
 * The form and the step input of one middleware definition's parameters:
 * the parameters are the form's properties, and `input` passes each one
 * to the action as `${{ parameters.<name> }}`, except passwords.
 */
export type MiddlewareParametersForm = {
  /** The form step's properties, in the definition's order. */
  properties: JsonSchema;
  /** The form step's required properties. */
  required: string[];
  /** The step input's `parameters`: template expressions in the definition's shape. */
  input: Record<string, unknown>;
};

/**
 * A password (`format: password`) as a field of the scaffolder's `Secret`
 * kind: the form keeps only a mask of it (`*` per character) and the
 * typed value goes to the task's secrets, which the task's API and log
 * never show. An optional one may also be cleared: the mask is then
 * empty, so the form checks the length with a pattern that allows none
 * instead of `minLength`.
 */
function secretField(
  schema: JsonSchema,
  where: string,
  required: boolean,
): JsonSchema {
  // The form sees the mask, so it can only check the password's length.
  const unchecked = ['pattern', 'enum', 'const'].filter(key => key in schema);
  if (unchecked.length) {
    throw new InputError(
      `${where}: a password cannot have ${unchecked.join(
        ', ',
      )} (the template's form sees only a mask of it)`,
    );
  }
  const { format, minLength, ...field } = schema;
  if (typeof minLength === 'number' && minLength > 0) {
    if (required) {
      field.minLength = minLength;
    } else {
      field.pattern = `^(.{${minLength},})?$`;
      field.errorMessage = {
        pattern: `At least ${minLength} characters, or none to have one generated`,
      };
    }
  }
  field['ui:field'] = 'Secret';
  field['ui:help'] = `${
    required ? '' : 'Leave it empty to have one generated. '
  }It reaches the platform as a secret of the task, not as a parameter, and is kept in the instance's Secret.`;
  field['ui:backstage'] = { review: { mask: '********' } };
  return field;
}

/**
 * Builds the form of a definition's parameters (its `parameters.yaml`
 * properties and required list, after `version` and `size`) and the step
 * input that passes them to `app-platform:middleware:install`.
 *
 * Every password becomes a top-level Secret field passed as
 * `${{ secrets.<name> }}`, never through `parameters`. The Secret field
 * stores its value under its own property key, so one nested in an object
 * (`persistence.password`) could not be told from another of the same key:
 * it is hoisted out of its object into a top-level field
 * (`persistencePassword`, titled "Password (Persistence)", after its
 * object's field), and the step input spells that object out property by
 * property to put the password back in its place. Throws InputError for
 * what cannot be asked without showing a password: a password in an array,
 * in an object that takes properties the form could add and the step input
 * would not name, or with checks a mask cannot pass; and for two fields of
 * one name.
 */
export function middlewareParametersForm(options: {
  /** `middleware definition "redis": parameters.yaml`, for errors. */
  where: string;
  /** `version` and `size`, as the platform adds them. */
  added: JsonSchema;
  /** The properties of parameters.yaml. */
  properties: JsonSchema;
  required: string[];
  /** Names the form's other steps use. */
  taken: string[];
}): MiddlewareParametersForm {
  const { where } = options;
  const properties: JsonSchema = {};
  const required = [...options.required];
  const input: Record<string, unknown> = {};

  const claim = (name: string, field: JsonSchema) => {
    if (name in properties || options.taken.includes(name)) {
      throw new InputError(
        `${where}: ${name} cannot be a field's name in a Software Template (another field has it)`,
      );
    }
    properties[name] = field;
  };

  /** The step input of the parameter at `path`, collecting its Secret fields. */
  function inputOf(
    schema: JsonSchema,
    path: string[],
    titles: string[],
    isRequired: boolean,
    secrets: SecretField[],
  ): { form?: JsonSchema; input: unknown } {
    const at = `${where}: ${path.join('.')}`;
    if (isPassword(schema)) {
      const nested = path.length > 1;
      const name = nested
        ? path[0] +
          path
            .slice(1)
            .map(key => key.charAt(0).toUpperCase() + key.slice(1))
            .join('')
        : path[0];
      const field = secretField(schema, at, isRequired);
      if (nested) {
        field.title = `${schema.title ?? path[path.length - 1]} (${titles.join(
          ' / ',
        )})`;
      }
      secrets.push({ name, schema: field, required: isRequired });
      return { input: expression('secrets', [name]) };
    }
    if (!containsPassword(schema)) {
      return { form: schema, input: expression('parameters', path) };
    }
    if (containsPassword(schema.items) || !isSchema(schema.properties)) {
      throw new InputError(
        `${at}: a password in an array cannot be asked for in a Software Template without showing it in the task's parameters`,
      );
    }
    if (schema.additionalProperties || schema.patternProperties) {
      throw new InputError(
        `${at}: an object with a password must not take other properties (additionalProperties: false), as the step input names each of its properties`,
      );
    }
    const ownRequired = Array.isArray(schema.required) ? schema.required : [];
    const form: JsonSchema = { ...schema, properties: {} };
    const objectInput: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema.properties)) {
      if (!isSchema(value)) continue;
      const child = inputOf(
        value,
        [...path, key],
        [...titles, String(schema.title ?? path[path.length - 1])],
        ownRequired.includes(key),
        secrets,
      );
      if (child.form) (form.properties as JsonSchema)[key] = child.form;
      objectInput[key] = child.input;
    }
    const formRequired = ownRequired.filter(
      key => key in (form.properties as JsonSchema),
    );
    if (formRequired.length) form.required = formRequired;
    else delete form.required;
    return { form, input: objectInput };
  }

  for (const [key, value] of Object.entries(options.added)) {
    claim(key, value as JsonSchema);
    input[key] = expression('parameters', [key]);
  }
  for (const [key, value] of Object.entries(options.properties)) {
    if (!isSchema(value)) continue;
    const secrets: SecretField[] = [];
    const parameter = inputOf(
      value,
      [key],
      [],
      options.required.includes(key),
      secrets,
    );
    if (parameter.form) claim(key, parameter.form);
    for (const secret of secrets) {
      claim(secret.name, secret.schema);
      if (secret.required && !required.includes(secret.name)) {
        required.push(secret.name);
      }
    }
    input[key] = parameter.input;
  }
  return { properties, required, input };
}
