import {
  APPLICATION_RESOURCE_TYPE,
  SERVER_RESOURCE_TYPE,
  SERVICE_RESOURCE_TYPE,
} from '@internal/plugin-app-platform-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/** What the owner rules need of a resource: its owning group's entity ref. */
export type OwnedResource = { owner: string };

/**
 * A database filter for the owner rules: the owner column is one of the values.
 *
 * @public
 */
export type OwnerQuery = { owner: string[] };

/**
 * The application resource of the `app-platform` plugin.
 *
 * @public
 */
export const applicationResourceRef = createPermissionResourceRef<
  OwnedResource,
  OwnerQuery
>().with({ pluginId: 'app-platform', resourceType: APPLICATION_RESOURCE_TYPE });

/**
 * The server resource of the `app-platform` plugin.
 *
 * @public
 */
export const serverResourceRef = createPermissionResourceRef<
  OwnedResource,
  OwnerQuery
>().with({ pluginId: 'app-platform', resourceType: SERVER_RESOURCE_TYPE });

/**
 * The service resource of the `app-platform` plugin; its owner is its
 * application's owner.
 *
 * @public
 */
export const serviceResourceRef = createPermissionResourceRef<
  OwnedResource,
  OwnerQuery
>().with({ pluginId: 'app-platform', resourceType: SERVICE_RESOURCE_TYPE });

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe("The user's ownership entity refs: the user and their groups"),
});

/**
 * Allows when the application is owned by one of the user's groups.
 *
 * @public
 */
export const isApplicationOwnerRule = createPermissionRule({
  name: 'IS_APPLICATION_OWNER',
  description: "The application is owned by one of the user's groups",
  resourceRef: applicationResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) => claims.includes(resource.owner),
  toQuery: ({ claims }) => ({ owner: claims }),
});

/**
 * Allows when the server is owned by one of the user's groups.
 *
 * @public
 */
export const isServerOwnerRule = createPermissionRule({
  name: 'IS_SERVER_OWNER',
  description: "The server is owned by one of the user's groups",
  resourceRef: serverResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) => claims.includes(resource.owner),
  toQuery: ({ claims }) => ({ owner: claims }),
});

/**
 * Allows when the service's application is owned by one of the user's groups.
 *
 * @public
 */
export const isServiceOwnerRule = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description: "The service's application is owned by one of the user's groups",
  resourceRef: serviceResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) => claims.includes(resource.owner),
  toQuery: ({ claims }) => ({ owner: claims }),
});

const serviceConditionExports = createConditionExports({
  pluginId: 'app-platform',
  resourceType: SERVICE_RESOURCE_TYPE,
  rules: { isServiceOwner: isServiceOwnerRule },
});

/**
 * Conditions on services, for permission policies.
 *
 * @public
 */
export const serviceConditions = serviceConditionExports.conditions;

/**
 * Builds a conditional decision on a service permission.
 *
 * @public
 */
export const createServiceConditionalDecision =
  serviceConditionExports.createConditionalDecision;

const applicationConditionExports = createConditionExports({
  pluginId: 'app-platform',
  resourceType: APPLICATION_RESOURCE_TYPE,
  rules: { isApplicationOwner: isApplicationOwnerRule },
});

const serverConditionExports = createConditionExports({
  pluginId: 'app-platform',
  resourceType: SERVER_RESOURCE_TYPE,
  rules: { isServerOwner: isServerOwnerRule },
});

/**
 * Conditions on applications, for permission policies.
 *
 * @public
 */
export const applicationConditions = applicationConditionExports.conditions;

/**
 * Builds a conditional decision on an application permission.
 *
 * @public
 */
export const createApplicationConditionalDecision =
  applicationConditionExports.createConditionalDecision;

/**
 * Conditions on servers, for permission policies.
 *
 * @public
 */
export const serverConditions = serverConditionExports.conditions;

/**
 * Builds a conditional decision on a server permission.
 *
 * @public
 */
export const createServerConditionalDecision =
  serverConditionExports.createConditionalDecision;
