const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks that a name can be a Kubernetes namespace or object name: an RFC 1123
 * label (lower-case letters, digits and '-', starting and ending with a letter
 * or digit, at most 63 characters). Returns what is wrong, or undefined.
 *
 * @public
 */
export function checkResourceName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return 'must be a non-empty string';
  }
  if (name.length > 63) {
    return `must be at most 63 characters (has ${name.length})`;
  }
  if (!RFC1123_LABEL.test(name)) {
    return "must consist of lower-case letters, digits and '-', and start and end with a letter or digit (RFC 1123)";
  }
  return undefined;
}
