import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { readDurationFromConfig } from '@backstage/config';
import { appPlatformPermissions } from '@internal/plugin-app-platform-common';
import {
  applicationResourceRef,
  isApplicationOwnerRule,
  isServerOwnerRule,
  isServiceOwnerRule,
  ciProvidersExtensionPoint,
  CiProvider,
  serverProvidersExtensionPoint,
  serverResourceRef,
  serviceResourceRef,
} from '@internal/plugin-app-platform-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { CatalogChangeEvents } from './catalog/CatalogChangeEvents';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { ApplicationNamespaces } from './applications/ApplicationNamespaces';
import { ApplicationService } from './applications/ApplicationService';
import {
  ApplicationStore,
  NAMESPACE_DOMAIN,
} from './applications/ApplicationStore';
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
import { createKubeReadProxy } from './kube/createKubeReadProxy';
import { OwnedObjects } from './ownership/OwnedObjects';
import { resolveInstallationId } from './ownership/resolveInstallationId';
import { Reconciler } from './reconcile/Reconciler';
import { ReconcileStatusStore } from './reconcile/ReconcileStatusStore';
import { schedulerRoutesGuardServiceRef } from './permissions/schedulerRoutesGuard';
import { createResourceGuards } from './permissions/createResourceGuards';
import { registerPlatformActions } from './actions/registerPlatformActions';
import { MiddlewareDefinitions } from './middleware/MiddlewareDefinitions';
import { registerMiddlewareRoutes } from './middleware/registerMiddlewareRoutes';
import { MiddlewareDefinitionStore } from './middleware/MiddlewareDefinitionStore';
import { MiddlewareRenderer } from './middleware/MiddlewareRenderer';
import { MiddlewareInstances } from './middleware/MiddlewareInstances';
import { registerMiddlewareInstanceRoutes } from './middleware/registerMiddlewareInstanceRoutes';
import { createRouter } from './router';
import { CiService } from './ci/CiService';
import { CiStore } from './ci/CiStore';
import { GenericCiProvider } from './ci/GenericCiProvider';
import { GitLabCiProvider } from './ci/GitLabCiProvider';
import { registerCiRoutes } from './ci/registerCiRoutes';
import { registerServerRoutes } from './servers/registerServerRoutes';
import { DeploymentStore } from './deployments/DeploymentStore';
import { DeploymentTracker } from './deployments/DeploymentTracker';
import { DeployService } from './deployments/DeployService';
import { DeployNotifier } from './deployments/DeployNotifier';
import { registerServiceRoutes } from './deployments/registerServiceRoutes';
import { CoalescingSignals } from './signals/CoalescingSignals';
import { ServiceWorkloads } from './deployments/ServiceWorkloads';
import {
  MIDDLEWARE_COMPONENT,
  SERVICE_COMPONENT,
  VersionRenderer,
} from './deployments/VersionRenderer';
import { ServiceStore } from './services/ServiceStore';
import { ServiceTemplates } from './services/ServiceTemplates';
import { ServiceTemplateStore } from './services/ServiceTemplateStore';
import { ApplicationTemplates } from './services/ApplicationTemplates';
import { StatusCaches } from './status/StatusCaches';
import {
  APP_PLATFORM_LABELS,
  APP_PLATFORM_SIGNAL_CHANNELS,
} from '@internal/plugin-app-platform-common';
import { durationToMilliseconds, JsonObject } from '@backstage/types';
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
    const ciProviders: CiProvider[] = [
      new GenericCiProvider(),
      new GitLabCiProvider(),
    ];
    env.registerExtensionPoint(ciProvidersExtensionPoint, {
      addCiProvider(provider) {
        ciProviders.push(provider);
      },
    });
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
        signals: signalsServiceRef,
        events: eventsServiceRef,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
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
        signals,
        events,
        lifecycle,
        actionsRegistry,
      }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await migrateDatabase(knex);
        }

        const kube = KubeClients.fromConfig(config);
        const installationId = await resolveInstallationId(config, knex);
        const owned = OwnedObjects.create({ kube, installationId });
        const audit = AuditLog.create({ knex });
        const cipher = TokenCipher.fromConfig(config);
        const clusterStore = ClusterStore.create({ knex, cipher });
        const reencrypted = await clusterStore.reencryptTokens();
        if (reencrypted) {
          logger.info(
            `Re-encrypted ${reencrypted} cluster token(s) with the current key`,
          );
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
        const applicationStore = ApplicationStore.create({
          knex,
          status: reconcileStatus,
        });
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

        // Services and the deploy engine.
        const serviceStore = ServiceStore.create({ knex });
        const deploymentStore = DeploymentStore.create({ knex });
        const serviceTemplates = ServiceTemplates.fromConfig(config);
        const serviceTemplateStore = ServiceTemplateStore.create({ knex });
        const middlewareDefinitionStore = MiddlewareDefinitionStore.create({
          knex,
        });
        const middlewareRenderer = MiddlewareRenderer.create({
          services: serviceStore,
          definitions: middlewareDefinitionStore,
          cipher,
          installationId,
        });
        const reencryptedInstances =
          await serviceStore.reencryptMiddlewareSecrets(cipher);
        if (reencryptedInstances) {
          logger.info(
            `Re-encrypted the secrets of ${reencryptedInstances} middleware instance(s) with the current key`,
          );
        }
        const renderer = VersionRenderer.create({
          templates: serviceTemplates,
          applicationTemplates: serviceTemplateStore,
          owned,
          middleware: middlewareRenderer,
        });
        const applicationTemplates = ApplicationTemplates.create({
          knex,
          store: serviceTemplateStore,
          templates: serviceTemplates,
          audit,
        });
        const statusCaches = StatusCaches.create({
          kube,
          clusters,
          labelSelector: `${owned.selector()},${
            APP_PLATFORM_LABELS.component
          } in (${SERVICE_COMPONENT},${MIDDLEWARE_COMPONENT})`,
          logger: logger.child({ component: 'status-cache' }),
        });
        const tracker = DeploymentTracker.create({
          store: deploymentStore,
          live: statusCaches,
          logger,
          deadlineMs: durationToMilliseconds(
            config.has('appPlatform.deployments.deadline')
              ? readDurationFromConfig(config, {
                  key: 'appPlatform.deployments.deadline',
                })
              : { minutes: 15 },
          ),
        });
        const deployNotifier = DeployNotifier.create({
          knex,
          records: deploymentStore,
          services: serviceStore,
          notifications,
          logger,
        });
        reconciler.addDomain(
          ServiceWorkloads.create({
            knex,
            store: deploymentStore,
            kube,
            owned,
            renderer,
            listener: tracker,
            services: serviceStore,
            onSettle: async () => {
              await statusCaches.sync();
              await tracker.sweep();
              await deployNotifier.sweep();
            },
          }),
        );
        const deployments = DeployService.create({
          knex,
          services: serviceStore,
          applications: applicationStore,
          records: deploymentStore,
          renderer,
          clusters,
          kube,
          owned,
          reconciler,
          reconcileStatus,
          tracker,
          live: statusCaches,
          audit,
          logger,
        });
        const serviceSignals = CoalescingSignals.create({
          signals,
          channel: APP_PLATFORM_SIGNAL_CHANNELS.serviceStatus,
          load: async key => {
            const [application, service] = key.split('/');
            return (await deployments.statusForSignal(application, service)) as
              | JsonObject
              | undefined;
          },
          logger,
        });
        const applicationSignals = CoalescingSignals.create({
          signals,
          channel: APP_PLATFORM_SIGNAL_CHANNELS.application,
          load: async name =>
            ((await applicationStore.get(name)) as JsonObject | undefined) ?? {
              name,
              deleted: true,
            },
          logger,
        });
        // Namespaces becoming ready, failing or deleted, and applications
        // created or deleted, reach open application pages.
        reconcileStatus.changes.on(({ domain, target }) => {
          if (domain === NAMESPACE_DOMAIN) applicationSignals.changed(target);
        });
        // The catalog applies what changed at once (AppPlatformEntityProvider).
        const catalogChanges = CatalogChangeEvents.create({ events, logger });
        applicationStore.changes.on(name => {
          applicationSignals.changed(name);
          catalogChanges.changed({ kind: 'application', name });
        });
        reconcileStatus.changes.on(({ domain, target }) => {
          if (domain === NAMESPACE_DOMAIN)
            catalogChanges.changed({ kind: 'application', name: target });
        });
        serviceStore.changes.on(({ application, name }) => {
          // A row gone could have been either: both kinds are told.
          void serviceStore.get(application, name).then(
            row => {
              if (!row || row.kind !== 'middleware')
                catalogChanges.changed({ kind: 'service', name, application });
              if (!row || row.kind === 'middleware')
                catalogChanges.changed({
                  kind: 'middleware',
                  name,
                  application,
                });
            },
            error =>
              logger.warn(`Catalog change of ${application}/${name}: ${error}`),
          );
        });
        const clusterSignals = CoalescingSignals.create({
          signals,
          channel: APP_PLATFORM_SIGNAL_CHANNELS.cluster,
          load: async name => {
            const cluster = await clusterStore.get(name);
            return cluster
              ? { name, health: cluster.health }
              : { name, deleted: true };
          },
          logger,
        });
        clusterStore.changes.on(name => {
          clusterSignals.changed(name);
          catalogChanges.changed({ kind: 'cluster', name });
        });
        statusCaches.onServiceChange((cluster, keys) => {
          void tracker
            .servicesChanged(cluster, keys)
            .catch(error =>
              logger.warn(
                `Tracking deployments on ${cluster} failed: ${error}`,
              ),
            );
          for (const key of keys)
            serviceSignals.changed(`${key.namespace}/${key.service}`);
        });
        tracker.onRecordChange(record =>
          serviceSignals.changed(`${record.application}/${record.service}`),
        );
        tracker.onRecordChange(record => {
          if (record.state === 'succeeded' || record.state === 'failed')
            void deployNotifier
              .settled(record.id)
              .catch(error =>
                logger.warn(
                  `Notifying deployment ${record.id} failed: ${error}`,
                ),
              );
        });
        lifecycle.addStartupHook(async () => {
          await statusCaches.sync();
          await tracker.sweep();
        });
        lifecycle.addShutdownHook(async () => {
          serviceSignals.stop();
          applicationSignals.stop();
          clusterSignals.stop();
          await statusCaches.stop();
        });

        // A cluster that comes back (or is registered) gets everything at once.
        clusters.onClusterHealthy(async cluster => {
          reconciler.wakeSoon({ clusters: [cluster], retryNow: true });
          void statusCaches.sync();
        });

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
        permissionsRegistry.addResourceType({
          resourceRef: serviceResourceRef,
          rules: [isServiceOwnerRule],
          getResources: async refs => {
            const owners = await applications.owners(
              refs.map(ref => ref.split('/')[0]),
            );
            const services = await serviceStore.list({
              applications: [...owners.keys()],
            });
            return refs.map(ref => {
              const [application, name] = ref.split('/');
              const owner = owners.get(application);
              return owner &&
                services.some(
                  s => s.application === application && s.name === name,
                )
                ? { owner }
                : undefined;
            });
          },
        });
        const isAllowedOnService = createConditionAuthorizer(
          permissionsRegistry.getPermissionRuleset(serviceResourceRef),
        );

        await clusters.syncFromConfig(config);
        await scheduler.scheduleTask({
          id: 'app-platform-cluster-health',
          scope: 'global',
          frequency: config.has('appPlatform.healthProbe.frequency')
            ? readDurationFromConfig(config, {
                key: 'appPlatform.healthProbe.frequency',
              })
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

        const ciStore = CiStore.create({ knex, cipher });
        const reencryptedSecrets = await ciStore.reencryptSecrets();
        if (reencryptedSecrets) {
          logger.info(
            `Re-encrypted ${reencryptedSecrets} webhook secret hash(es) with the current key`,
          );
        }
        const ci = CiService.create({
          store: ciStore,
          deployments,
          clusters,
          auth,
          audit,
          logger,
          providers: ciProviders,
        });

        const guards = createResourceGuards({
          httpAuth,
          permissions,
          application: name => applications.get(name),
          service: (application, name) =>
            deployments.getService(application, name),
          isAllowedOnApplication,
          isAllowedOnService,
        });
        // The app store's definitions, read again when their files change.
        const middlewareDefinitions = await MiddlewareDefinitions.fromConfig(
          config,
          { logger, watch: true },
        );
        lifecycle.addShutdownHook(() => middlewareDefinitions.close());
        const middlewareInstances = MiddlewareInstances.create({
          services: serviceStore,
          applications: applicationStore,
          deployments,
          definitions: middlewareDefinitions,
          definitionStore: middlewareDefinitionStore,
          middleware: middlewareRenderer,
          renderer,
          audit,
        });
        // A changed definition gives its instances "update available":
        // the catalog and open pages hear it from every instance.
        middlewareDefinitions.onChange(() => {
          void serviceStore.list({ kind: 'middleware' }).then(
            rows => {
              for (const { application, name } of rows) {
                catalogChanges.changed({
                  kind: 'middleware',
                  name,
                  application,
                });
                serviceSignals.changed(`${application}/${name}`);
              }
            },
            error =>
              logger.warn(
                `Telling of changed middleware definitions: ${error}`,
              ),
          );
        });
        registerPlatformActions({
          registry: actionsRegistry,
          applications,
          deployments,
          instances: middlewareInstances,
          permissions,
          guards,
        });
        const health = HealthService.create({ knex });
        httpRouter.use(
          await createRouter({
            health,
            httpAuth,
            unschematized: [
              createKubeReadProxy({
                config,
                httpAuth,
                kube,
                connection: name => clusters.connection(name),
                logger,
              }),
            ],
            registrations: [
              registerClusterRoutes({
                registry: clusters,
                httpAuth,
                permissions,
              }),
              registerApplicationRoutes({
                applications,
                templates,
                httpAuth,
                permissions,
                isAllowed: isAllowedOnApplication,
              }),
              registerServiceRoutes({
                deployments,
                templates: applicationTemplates,
                applications,
                httpAuth,
                permissions,
                guards,
              }),
              registerServerRoutes({ servers, httpAuth, permissions }),
              registerCiRoutes({ ci, guards }),
              registerMiddlewareRoutes({
                definitions: middlewareDefinitions,
                httpAuth,
                permissions,
              }),
              registerMiddlewareInstanceRoutes({
                instances: middlewareInstances,
                applications,
                httpAuth,
                permissions,
                guards,
              }),
            ],
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // CI systems have no Backstage token: their provider verifies them.
        httpRouter.addAuthPolicy({ path: '/ci', allow: 'unauthenticated' });
        logger.info('App Platform backend is ready');
      },
    });
  },
});
