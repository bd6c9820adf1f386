import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  ClusterDetails,
  kubernetesClusterSupplierExtensionPoint,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { PlatformClusterSupplier } from './PlatformClusterSupplier';

/**
 * Kubernetes module of the App Platform: the Kubernetes plugin sees the
 * platform's registered clusters (PlatformClusterSupplier) next to the ones
 * of its own `kubernetes.clusterLocatorMethods`, if any are configured.
 *
 * @public
 */
export const kubernetesModuleAppPlatform = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'app-platform',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        clusterSupplier: kubernetesClusterSupplierExtensionPoint,
      },
      async init({ config, logger, auth, discovery, events, clusterSupplier }) {
        const platform = PlatformClusterSupplier.create({
          discovery,
          auth,
          logger,
          podMetrics:
            config.getOptionalBoolean(
              'appPlatform.kubernetesPlugin.podMetrics',
            ) ?? false,
        });
        await platform.subscribe(events);
        clusterSupplier.addClusterSupplier(async ({ getDefault }) => {
          // The plugin's own locators need their config; without it, ours alone.
          if (!config.has('kubernetes.clusterLocatorMethods')) return platform;
          const configured = await getDefault();
          return {
            async getClusters(options): Promise<ClusterDetails[]> {
              const [own, platformClusters] = await Promise.all([
                configured.getClusters(options),
                platform.getClusters(),
              ]);
              return [...own, ...platformClusters];
            },
          } satisfies KubernetesClustersSupplier;
        });
      },
    });
  },
});
