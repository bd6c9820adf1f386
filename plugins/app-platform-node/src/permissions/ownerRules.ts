import {
  APPLICATION_RESOURCE_TYPE,
  SERVER_RESOURCE_TYPE,
} from '@internal/plugin-app-platform-common';
import {
  createConditionFactory,
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
 * Conditions for permission policies.
 *
 * @public
 */
export const appPlatformConditions = {
  isApplicationOwner: createConditionFactory(isApplicationOwnerRule),
  isServerOwner: createConditionFactory(isServerOwnerRule),
};
