/**
 * Node.js library of the App Platform: extension points, permission rules and
 * conditions through which other backend packages (permission policies,
 * modules of the `app-platform` plugin) work with the platform.
 *
 * @packageDocumentation
 */

/**
 * The plugin ID of the App Platform backend, for modules that extend it.
 *
 * @public
 */
export const APP_PLATFORM_PLUGIN_ID = 'app-platform';

export * from './permissions/ownerRules';
export * from './servers';
export * from './ci';
