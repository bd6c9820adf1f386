/**
 * The template the backend gives an application that names none. The API
 * lists template names only and marks none as the default, but the backend
 * refuses to start without this one, so it is always there.
 */
export const DEFAULT_NAMESPACE_TEMPLATE = 'default';
