import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { appPlatformPermissions } from '@internal/plugin-app-platform-common';
import {
  applicationResourceRef,
  isApplicationOwnerRule,
  isServerOwnerRule,
  serverProvidersExtensionPoint,
  serverResourceRef,
} from '@internal/plugin-app-platform-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { ApplicationNamespaces } from './applications/ApplicationNamespaces';
import { ApplicationService } from './applications/ApplicationService';
import { ApplicationStore } from './applications/ApplicationStore';
import { NamespaceTemplates } from './applications/NamespaceTemplates';
import { registerApplicationRoutes } from './applications/registerApplicationRoutes';
import { AuditLog } from './audit/AuditLog';
import { ClusterRegistry } from './clusters/ClusterRegistry';
import { ClusterStore } from './clusters/ClusterStore';
import { registerClusterRoutes } from './clusters/registerClusterRoutes';
import { TokenCipher } from './clusters/TokenCipher';
import { migrateDatabase } from './database/migrateDatabase';
import { HealthService } from './health/HealthService';
import { KubeClients } from './kube/KubeClients';
import { OwnedObjects } from './ownership/OwnedObjects';
import { resolveInstallationId } from './ownership/resolveInstallationId';
import { Reconciler } from './reconcile/Reconciler';
import { ReconcileStatusStore } from './reconcile/ReconcileStatusStore';
import { schedulerRoutesGuardServiceRef } from './permissions/schedulerRoutesGuard';
import { createRouter } from './router';
import { registerServerRoutes } from './servers/registerServerRoutes';
import {
  ScheduledServerProvider,
  ServerInventory,
} from './servers/ServerInventory';

/**
 * The App Platform backend plugin: REST API, database, reconciler and
 * scheduled tasks of the platform.
 *
 * @public
 */
export const appPlatformPlugin = createBackendPlugin({
  pluginId: 'app-platform',
  register(env) {
    const serverProviders: ScheduledServerProvider[] = [];
    env.registerExtensionPoint(serverProvidersExtensionPoint, {
      addServerProvider(provider, options) {
        serverProviders.push({ provider, schedule: options?.schedule });
      },
    });

    env.registerInit({
      deps: {
        // First: closes the scheduler's trigger/cancel routes to non-admins before the scheduler mounts them.
        schedulerRoutesGuard: schedulerRoutesGuardServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        notifications: notificationService,
      },
      async init({
        config,
        database,
        httpRouter,
        httpAuth,
        logger,
        permissions,
        permissionsRegistry,
        scheduler,
        catalog,
        auth,
        notifications,
      }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await migrateDatabase(knex);
        }

        const kube = KubeClients.fromConfig(config);
        const installationId = await resolveInstallationId(config, knex);
        const owned = OwnedObjects.create({ kube, installationId });
        const audit = AuditLog.create({ knex });
        const clusterStore = ClusterStore.create({
          knex,
          cipher: TokenCipher.fromConfig(config),
        });
        const reencrypted = await clusterStore.reencryptTokens();
        if (reencrypted) {
          logger.info(`Re-encrypted ${reencrypted} cluster token(s) with the current key`);
        }
        const clusters = ClusterRegistry.create({
          knex,
          store: clusterStore,
          kube,
          audit,
          logger,
          config,
        });
        const templates = NamespaceTemplates.fromConfig(config);
        const reconcileStatus = ReconcileStatusStore.create({ knex });
        const reconciler = Reconciler.fromConfig(config, {
          clusters,
          status: reconcileStatus,
          logger,
        });
        const applicationStore = ApplicationStore.create({ knex, status: reconcileStatus });
        reconciler.addDomain(
          ApplicationNamespaces.create({
            knex,
            store: applicationStore,
            kube,
            owned,
            templates,
          }),
        );
        const applications = ApplicationService.create({
          knex,
          config,
          store: applicationStore,
          clusters,
          kube,
          owned,
          reconciler,
          templates,
          catalog,
          audit,
          logger,
        });
        // A cluster that comes back (or is registered) gets everything at once.
        clusters.onClusterHealthy(async cluster =>
          reconciler.wakeSoon({ clusters: [cluster], retryNow: true }),
        );

        permissionsRegistry.addPermissions(appPlatformPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: applicationResourceRef,
          rules: [isApplicationOwnerRule],
          getResources: async names => {
            const owners = await applications.owners(names);
            return names.map(name => {
              const owner = owners.get(name);
              return owner ? { owner } : undefined;
            });
          },
        });
        const isAllowedOnApplication = createConditionAuthorizer(
          permissionsRegistry.getPermissionRuleset(applicationResourceRef),
        );

        await clusters.syncFromConfig(config);
        await scheduler.scheduleTask({
          id: 'app-platform-cluster-health',
          scope: 'global',
          frequency: config.has('appPlatform.healthProbe.frequency')
            ? readDurationFromConfig(config, { key: 'appPlatform.healthProbe.frequency' })
            : { seconds: 30 },
          timeout: { minutes: 5 },
          fn: () => clusters.probeAll(),
        });
        await reconciler.schedule(scheduler);
        logger.info(`App Platform installation id: ${installationId}`);

        const servers = ServerInventory.fromConfig(config, {
          knex,
          logger,
          catalog,
          auth,
          notifications,
          scheduler,
          extraProviders: serverProviders,
        });
        permissionsRegistry.addResourceType({
          resourceRef: serverResourceRef,
          rules: [isServerOwnerRule],
          getResources: ids => servers.owners(ids),
        });
        await servers.schedule();

        const health = HealthService.create({ knex });
        httpRouter.use(
          await createRouter({
            health,
            httpAuth,
            registrations: [
              registerClusterRoutes({ registry: clusters, httpAuth, permissions }),
              registerApplicationRoutes({
                applications,
                templates,
                httpAuth,
                permissions,
                isAllowed: isAllowedOnApplication,
              }),
              registerServerRoutes({ servers, httpAuth, permissions }),
            ],
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('App Platform backend is ready');
      },
    });
  },
});
