import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/**
 * Catalog module of the App Platform. It will emit applications as `System`
 * entities and clusters, servers and middleware instances as `Resource`
 * entities through an entity provider (the "Clusters and applications" issue);
 * until then it only announces itself.
 *
 * @public
 */
export const catalogModuleAppPlatform = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'app-platform',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.debug('App Platform catalog module loaded; no entity providers yet');
      },
    });
  },
});
