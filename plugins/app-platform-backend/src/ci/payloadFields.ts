import { InputError } from '@backstage/errors';

/** The JSON object of a webhook body, or a 400 naming what is wrong. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('body: must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** A string field of a webhook body (`path` names it in the error), within `maxLength`. */
export function stringField(
  value: unknown,
  path: string,
  options: { required: true; maxLength: number },
): string;
export function stringField(
  value: unknown,
  path: string,
  options: { required?: false; maxLength: number },
): string | undefined;
export function stringField(
  value: unknown,
  path: string,
  options: { required?: boolean; maxLength: number },
): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (options.required) throw new InputError(`${path}: is required`);
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`${path}: must be a string`);
  }
  if (value.length > options.maxLength) {
    throw new InputError(
      `${path}: must be at most ${options.maxLength} characters`,
    );
  }
  return value;
}
