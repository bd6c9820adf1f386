/** How the platform shows a password parameter: its value is never read back. */
const REDACTED = '<redacted>';

/** A JSON object (not an array or null). */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON equality regardless of key order (the platform may store keys in another order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every(key => key in b && sameJson(a[key], b[key]))
    );
  }
  return a === b;
}

/**
 * The paths (`size`, `persistence.size`) of the parameters a request gives
 * that an existing instance does not have. Only what the request gives
 * counts: the instance's own values include the defaults the request left
 * out, and its passwords are redacted, so they are never compared.
 */
export function differingParameters(
  given: Record<string, unknown>,
  actual: Record<string, unknown>,
  prefix = '',
): string[] {
  return Object.entries(given).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    const current = actual[key];
    if (value === undefined || current === REDACTED) return [];
    if (isMapping(value) && isMapping(current)) {
      return differingParameters(value, current, `${path}.`);
    }
    return sameJson(value, current) ? [] : [path];
  });
}
