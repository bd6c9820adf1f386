import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { AppPlatformEntityProvider } from './platform/AppPlatformEntityProvider';
import { ServerEntityProvider } from './servers/ServerEntityProvider';

/**
 * Catalog module of the App Platform: applications become `System` entities,
 * services `Component` entities, middleware instances `Resource` entities of
 * type `middleware:<definition>` and clusters `Resource` entities of type
 * `kubernetes-cluster` (AppPlatformEntityProvider); servers become `Resource`
 * entities of type `server` (ServerEntityProvider).
 *
 * @public
 */
export const catalogModuleAppPlatform = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'app-platform',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        catalog: catalogProcessingExtensionPoint,
        catalogService: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        discovery,
        scheduler,
        catalog,
        catalogService,
        events,
      }) {
        const client = AppPlatformClient.create({ discovery });
        catalog.addEntityProvider(
          AppPlatformEntityProvider.create({
            client,
            auth,
            logger,
            clusterOwner:
              config.getOptionalString('appPlatform.catalog.clusterOwner') ??
              config.getOptionalStringArray('appPlatform.admins')?.[0] ??
              'group:default/platform-admins',
            // Deltas come from the backend's change events; the full sync
            // repairs drift.
            events,
            catalog: catalogService,
            fullRunner: scheduler.createScheduledTaskRunner({
              frequency: config.has('appPlatform.catalog.fullSyncFrequency')
                ? readDurationFromConfig(config, {
                    key: 'appPlatform.catalog.fullSyncFrequency',
                  })
                : { minutes: 30 },
              timeout: { minutes: 5 },
            }),
          }),
        );
        catalog.addEntityProvider(
          ServerEntityProvider.create({
            client,
            auth,
            logger,
            // One cheap REST call; the catalog skips unchanged entities.
            taskRunner: scheduler.createScheduledTaskRunner({
              frequency: { minutes: 2 },
              timeout: { minutes: 2 },
              initialDelay: { seconds: 15 },
            }),
          }),
        );
      },
    });
  },
});
