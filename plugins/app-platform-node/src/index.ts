/**
 * Node.js library of the App Platform: extension points and service refs
 * through which other backend packages extend the app-platform backend
 * plugin (server providers, namespace templates, middleware definitions).
 *
 * @packageDocumentation
 */

/**
 * The plugin ID of the App Platform backend, for modules that extend it.
 *
 * @public
 */
export const APP_PLATFORM_PLUGIN_ID = 'app-platform';
