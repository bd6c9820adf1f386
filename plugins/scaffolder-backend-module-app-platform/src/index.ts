/***/
/**
 * The app-platform backend module for the scaffolder plugin.
 *
 * @packageDocumentation
 */

export { scaffolderModuleAppPlatform as default } from './module';
