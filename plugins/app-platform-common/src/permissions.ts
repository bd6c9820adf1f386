import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of applications in the permission framework.
 *
 * @public
 */
export const APPLICATION_RESOURCE_TYPE = 'app-platform-application';

/**
 * Resource type of services in the permission framework; a service's
 * resource ref is `<application>/<service>` and its owner is its
 * application's owner.
 *
 * @public
 */
export const SERVICE_RESOURCE_TYPE = 'app-platform-service';

/**
 * Resource type of servers in the permission framework.
 *
 * @public
 */
export const SERVER_RESOURCE_TYPE = 'app-platform-server';

/**
 * Registering, changing and removing clusters: platform admins only.
 *
 * @public
 */
export const clusterManagePermission = createPermission({
  name: 'app-platform.cluster.manage',
  attributes: { action: 'update' },
});

/**
 * Seeing a cluster's details: its API server URL, why its probe fails and
 * whether it skips TLS verification. Without it, users still see every
 * cluster's name, environment, labels and health (the portal and the catalog
 * need those). Admins only under the portal's policy; services always.
 *
 * @public
 */
export const clusterReadPermission = createPermission({
  name: 'app-platform.cluster.read',
  attributes: { action: 'read' },
});

/**
 * Triggering or cancelling one of the plugin's scheduled tasks through
 * Backstage's scheduler routes (`/.backstage/scheduler/v1/tasks/{id}/trigger`
 * and `/cancel`): platform admins only.
 *
 * @public
 */
export const taskManagePermission = createPermission({
  name: 'app-platform.task.manage',
  attributes: { action: 'update' },
});

/**
 * Creating an application.
 *
 * @public
 */
export const applicationCreatePermission = createPermission({
  name: 'app-platform.application.create',
  attributes: { action: 'create' },
});

/**
 * Reading an application.
 *
 * @public
 */
export const applicationReadPermission = createPermission({
  name: 'app-platform.application.read',
  attributes: { action: 'read' },
  resourceType: APPLICATION_RESOURCE_TYPE,
});

/**
 * Changing an application's description or owner.
 *
 * @public
 */
export const applicationUpdatePermission = createPermission({
  name: 'app-platform.application.update',
  attributes: { action: 'update' },
  resourceType: APPLICATION_RESOURCE_TYPE,
});

/**
 * Deleting an application (and its namespaces).
 *
 * @public
 */
export const applicationDeletePermission = createPermission({
  name: 'app-platform.application.delete',
  attributes: { action: 'delete' },
  resourceType: APPLICATION_RESOURCE_TYPE,
});

/**
 * Creating an application over namespaces that already exist without the
 * platform's installation label (adopting them): platform admins only.
 *
 * @public
 */
export const applicationAdoptPermission = createPermission({
  name: 'app-platform.application.adopt',
  attributes: { action: 'update' },
});

/**
 * Recording a server by hand (imported servers come from providers).
 *
 * @public
 */
export const serverCreatePermission = createPermission({
  name: 'app-platform.server.create',
  attributes: { action: 'create' },
});

/**
 * Changing or removing a server record.
 *
 * @public
 */
export const serverManagePermission = createPermission({
  name: 'app-platform.server.manage',
  attributes: { action: 'update' },
  resourceType: SERVER_RESOURCE_TYPE,
});

/**
 * Running a server provider's import or the expiry scan now, instead of
 * waiting for its schedule: platform admins only.
 *
 * @public
 */
export const serverImportPermission = createPermission({
  name: 'app-platform.server.import',
  attributes: { action: 'update' },
});

/**
 * Creating a service in an application (reading services needs only
 * `app-platform.application.read` on the application).
 *
 * @public
 */
export const serviceCreatePermission = createPermission({
  name: 'app-platform.service.create',
  attributes: { action: 'create' },
  resourceType: APPLICATION_RESOURCE_TYPE,
});

/**
 * Changing a service's description or whether it is public.
 *
 * @public
 */
export const serviceUpdatePermission = createPermission({
  name: 'app-platform.service.update',
  attributes: { action: 'update' },
  resourceType: SERVICE_RESOURCE_TYPE,
});

/**
 * Deploying a version of a service, planning one, and stopping or starting it.
 *
 * @public
 */
export const serviceDeployPermission = createPermission({
  name: 'app-platform.service.deploy',
  attributes: { action: 'update' },
  resourceType: SERVICE_RESOURCE_TYPE,
});

/**
 * Rolling a service back to an earlier record. A policy should grant it
 * whenever it grants deploy: a rollback never needs broader rights.
 *
 * @public
 */
export const serviceRollbackPermission = createPermission({
  name: 'app-platform.service.rollback',
  attributes: { action: 'update' },
  resourceType: SERVICE_RESOURCE_TYPE,
});

/**
 * Deleting a service and its objects on every cluster.
 *
 * @public
 */
export const serviceDeletePermission = createPermission({
  name: 'app-platform.service.delete',
  attributes: { action: 'delete' },
  resourceType: SERVICE_RESOURCE_TYPE,
});

/**
 * Reading the servers (the list, one server, the providers' and the expiry
 * scan's status). Everyone under the portal's policy; the catalog module
 * reads them as a service.
 *
 * @public
 */
export const serverReadPermission = createPermission({
  name: 'app-platform.server.read',
  attributes: { action: 'read' },
});

/**
 * Reading the app store: the middleware definitions and a preview of what an
 * install would create. Everyone under the portal's policy.
 *
 * @public
 */
export const middlewareReadPermission = createPermission({
  name: 'app-platform.middleware.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the App Platform, for registration with the framework.
 *
 * @public
 */
export const appPlatformPermissions = [
  clusterManagePermission,
  clusterReadPermission,
  taskManagePermission,
  applicationCreatePermission,
  applicationReadPermission,
  applicationUpdatePermission,
  applicationDeletePermission,
  applicationAdoptPermission,
  serverCreatePermission,
  serverManagePermission,
  serverImportPermission,
  serviceCreatePermission,
  serviceUpdatePermission,
  serviceDeployPermission,
  serviceRollbackPermission,
  serviceDeletePermission,
  middlewareReadPermission,
  serverReadPermission,
];
