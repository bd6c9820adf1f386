import { isMapping } from './differingParameters';

/**
 * The parameters a step gives, without the values left empty: `undefined`
 * (a form field left blank renders as nothing) and `''` (a Secret field
 * that was cleared renders as an empty string), in nested objects too. The
 * platform then applies the definition's default or generates the
 * password, where an empty string would fail a password's `minLength`.
 * Arrays are values as given.
 */
export function parametersGiven(
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(parameters)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([key, value]) => [
        key,
        isMapping(value) ? parametersGiven(value) : value,
      ]),
  );
}
