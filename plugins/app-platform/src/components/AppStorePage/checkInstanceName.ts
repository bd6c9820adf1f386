import {
  checkMiddlewareInstanceName,
  MAX_MIDDLEWARE_INSTANCE_NAME_LENGTH,
} from '@internal/plugin-app-platform-common';

/**
 * The platform's rule (`checkMiddlewareInstanceName`) in the form's words,
 * so the user learns it before a request.
 */
export function checkInstanceName(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name for the instance.';
  const problem = checkMiddlewareInstanceName(name);
  if (!problem) return undefined;
  if (name.length > MAX_MIDDLEWARE_INSTANCE_NAME_LENGTH) {
    return `The name must be at most ${MAX_MIDDLEWARE_INSTANCE_NAME_LENGTH} characters (it has ${name.length}).`;
  }
  if (problem === 'must start with a letter') {
    return 'The name must start with a letter.';
  }
  return "The name must be an RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit.";
}
