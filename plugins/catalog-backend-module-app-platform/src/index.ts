/***/
/**
 * The app-platform backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleAppPlatform as default } from './module';
