import { checkResourceName } from '@internal/plugin-app-platform-common';

/** The longest instance name: the renderer derives object names such as `<instance>-headless` from it. */
export const MAX_INSTANCE_NAME_LENGTH = 40;

/**
 * Why a name cannot name a middleware instance, or undefined when it can:
 * an RFC 1123 label that starts with a letter, at most 40 characters (the
 * renderer's rule, checked here so the user learns it before a request).
 */
export function checkInstanceName(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name for the instance.';
  if (name.length > MAX_INSTANCE_NAME_LENGTH) {
    return `The name must be at most ${MAX_INSTANCE_NAME_LENGTH} characters (it has ${name.length}).`;
  }
  if (checkResourceName(name)) {
    return "The name must be an RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit.";
  }
  if (!/^[a-z]/.test(name)) return 'The name must start with a letter.';
  return undefined;
}
