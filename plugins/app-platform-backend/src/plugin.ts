import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { migrateDatabase } from './database/migrateDatabase';
import { HealthService } from './health/HealthService';
import { createRouter } from './router';

/**
 * The App Platform backend plugin: REST API, database, reconciler and
 * scheduled tasks of the platform.
 *
 * @public
 */
export const appPlatformPlugin = createBackendPlugin({
  pluginId: 'app-platform',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, logger }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await migrateDatabase(knex);
        }

        const health = HealthService.create({ knex });
        httpRouter.use(await createRouter({ health }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('App Platform backend is ready');
      },
    });
  },
});
