/***/
/**
 * The app-platform backend module for the kubernetes plugin: the platform's
 * registered clusters in the stock Kubernetes tab.
 *
 * @packageDocumentation
 */

export { kubernetesModuleAppPlatform as default } from './module';
export { PlatformClusterSupplier } from './PlatformClusterSupplier';
