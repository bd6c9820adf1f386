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

/**
 * The longest middleware instance name: definitions name objects
 * `<instance>-headless` and the like, which must stay valid names.
 *
 * @public
 */
export const MAX_MIDDLEWARE_INSTANCE_NAME_LENGTH = 40;

/**
 * Why a name cannot name a middleware instance, or undefined when it can: an
 * RFC 1123 label that starts with a letter, of at most 40 characters.
 *
 * @public
 */
export function checkMiddlewareInstanceName(name: unknown): string | undefined {
  const problem = checkResourceName(name);
  if (problem) return problem;
  const text = name as string;
  if (text.length > MAX_MIDDLEWARE_INSTANCE_NAME_LENGTH) {
    return `must be at most ${MAX_MIDDLEWARE_INSTANCE_NAME_LENGTH} characters (has ${text.length})`;
  }
  if (!/^[a-z]/.test(text)) return 'must start with a letter';
  return undefined;
}

/**
 * Namespace names no application may take: Kubernetes' and OpenShift's own.
 * A trailing `*` matches any rest of the name.
 *
 * @public
 */
export const RESERVED_APPLICATION_NAMES: ReadonlyArray<string> = [
  'default',
  'kube-*',
  'openshift-*',
];

/**
 * Why a name cannot be an application (and so a namespace) name, or undefined
 * when it can: an RFC 1123 label that is not reserved. `reserved` adds
 * patterns to the built-in ones (`appPlatform.applications.reservedNames`).
 *
 * @public
 */
export function checkApplicationName(
  name: unknown,
  reserved: ReadonlyArray<string> = [],
): string | undefined {
  const problem = checkResourceName(name);
  if (problem) return problem;
  const match = [...RESERVED_APPLICATION_NAMES, ...reserved].find(pattern =>
    pattern.endsWith('*')
      ? (name as string).startsWith(pattern.slice(0, -1))
      : name === pattern,
  );
  return match ? `"${name}" is reserved (matches "${match}")` : undefined;
}
