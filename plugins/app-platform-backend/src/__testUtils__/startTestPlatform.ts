import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isPermission,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  applicationAdoptPermission,
  applicationDeletePermission,
  applicationReadPermission,
  applicationUpdatePermission,
  clusterManagePermission,
  clusterReadPermission,
  serverImportPermission,
  serverManagePermission,
  SERVER_RESOURCE_TYPE,
  serviceCreatePermission,
  SERVICE_RESOURCE_TYPE,
  taskManagePermission,
} from '@internal/plugin-app-platform-common';
import {
  applicationConditions,
  createApplicationConditionalDecision,
  createServerConditionalDecision,
  createServiceConditionalDecision,
  isApplicationOwnerRule,
  isServerOwnerRule,
  isServiceOwnerRule,
  serverConditions,
  serviceConditions,
} from '@internal/plugin-app-platform-node';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { appPlatformPlugin } from '../plugin';

/** Users of the tests and the groups they belong to. */
export const ADMIN = 'user:default/root';
export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';
const memberships: Record<string, string[]> = {
  [ADMIN]: ['group:default/platform-admins'],
  [ALICE]: ['group:default/team-a'],
  [BOB]: ['group:default/team-b'],
};

/** The catalog's groups, so owners in request bodies can be valid. */
export const testGroups = ['team-a', 'team-b', 'platform-admins'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
}));

/** The `Authorization` header of a test user. */
export const as = (user: string) => mockCredentials.user.header(user);

/**
 * A policy like the portal's (admins may do anything; cluster management and
 * details, adoption, imports and scheduled tasks are theirs alone; owners
 * change what they own), decided in-process. With `ownerOnlyRead`,
 * applications are readable only by their owners: a conditional decision.
 */
export function testPolicy(
  options: {
    ownerOnlyRead?: boolean;
    /** Permissions (by name) denied to one user, for a route's 403. */
    deny?: { user: string; permissions: string[] };
  } = {},
) {
  return (permission: Permission, user?: string): PolicyDecision => {
    if (
      options.deny &&
      user === options.deny.user &&
      options.deny.permissions.includes(permission.name)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    const claims = user ? [user, ...(memberships[user] ?? [])] : [];
    if (claims.includes('group:default/platform-admins')) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      [
        clusterManagePermission,
        clusterReadPermission,
        taskManagePermission,
        serverImportPermission,
        applicationAdoptPermission,
      ].some(p => isPermission(permission, p))
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isPermission(permission, applicationUpdatePermission) ||
      isPermission(permission, applicationDeletePermission) ||
      isPermission(permission, serviceCreatePermission) ||
      (options.ownerOnlyRead &&
        isPermission(permission, applicationReadPermission))
    ) {
      return createApplicationConditionalDecision(
        permission,
        applicationConditions.isApplicationOwner({ claims }),
      );
    }
    if (
      'resourceType' in permission &&
      permission.resourceType === SERVICE_RESOURCE_TYPE
    ) {
      return createServiceConditionalDecision(
        permission as Parameters<typeof createServiceConditionalDecision>[0],
        serviceConditions.isServiceOwner({ claims }),
      );
    }
    if (isPermission(permission, serverManagePermission)) {
      return createServerConditionalDecision(
        permission,
        serverConditions.isServerOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  };
}

/** The owner of a resource of the plugin, as its rules see it. */
async function ownedResource(
  knex: Knex,
  resourceType: string,
  resourceRef: string,
): Promise<{ owner: string } | undefined> {
  const row =
    resourceType === SERVER_RESOURCE_TYPE
      ? await knex('servers').where({ id: resourceRef }).first('owner')
      : await knex('applications')
          .where({
            name:
              resourceType === SERVICE_RESOURCE_TYPE
                ? resourceRef.split('/')[0]
                : resourceRef,
          })
          .first('owner');
  return row ? { owner: row.owner } : undefined;
}

/** Applies a conditional decision to a resource with the plugin's rules, as the permission backend would. */
function applies(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: { owner: string },
): boolean {
  if ('allOf' in criteria)
    return criteria.allOf.every(c => applies(c, resource));
  if ('anyOf' in criteria)
    return criteria.anyOf.some(c => applies(c, resource));
  if ('not' in criteria) return !applies(criteria.not, resource);
  const rule = [
    isApplicationOwnerRule,
    isServerOwnerRule,
    isServiceOwnerRule,
  ].find(r => r.name === criteria.rule);
  if (!rule) throw new Error(`Unknown rule ${criteria.rule}`);
  return rule.apply(resource, criteria.params as { claims: string[] });
}

/**
 * The permissions service deciding with a test policy; services are always
 * allowed, as in Backstage. A conditional decision on a request with a
 * `resourceRef` is applied to that resource in the database, as Backstage's
 * permission backend does through the plugin's apply-conditions route.
 */
export function policyPermissions(
  policy: ReturnType<typeof testPolicy>,
  knex?: Knex,
) {
  const service = policyPermissionsService(policy, knex);
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => service,
  });
}

/** The permissions service of `policyPermissions`, for another plugin's side of a test (the scaffolder's). */
export function policyPermissionsService(
  policy: ReturnType<typeof testPolicy>,
  knex?: Knex,
): PermissionsService {
  const userOf = (credentials: BackstageCredentials) => {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    return principal.type === 'user' ? principal.userEntityRef : undefined;
  };
  const decide = (
    credentials: BackstageCredentials,
    permission: Permission,
  ): PolicyDecision =>
    (credentials.principal as { type: string }).type === 'service'
      ? { result: AuthorizeResult.ALLOW }
      : policy(permission, userOf(credentials));
  const resolve = async (
    decision: PolicyDecision,
    resourceRef: string | undefined,
  ): Promise<{ result: AuthorizeResult.ALLOW | AuthorizeResult.DENY }> => {
    if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
    const resource =
      knex && resourceRef
        ? await ownedResource(knex, decision.resourceType, resourceRef)
        : undefined;
    return resource && applies(decision.conditions, resource)
      ? { result: AuthorizeResult.ALLOW }
      : { result: AuthorizeResult.DENY };
  };
  return {
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(r =>
          resolve(
            decide(credentials, r.permission),
            (r as { resourceRef?: string }).resourceRef,
          ),
        ),
      ),
    authorizeConditional: async (queries, { credentials }) =>
      queries.map(q => decide(credentials, q.permission)) as any,
  };
}

/**
 * Starts the plugin as the portal runs it, on the given database: real
 * credentials barrier (requests without a token are unauthenticated),
 * Backstage's real scheduler and its routes unless `mockScheduler`, and the
 * test policy. No clusters unless the config names some.
 */
export async function startTestPlatform(options: {
  knex: Knex;
  policy?: ReturnType<typeof testPolicy>;
  appPlatform?: JsonObject;
  mockScheduler?: boolean;
  /** More services or modules, e.g. a logger that keeps every line. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const backend = await startTestBackend({
    features: [
      appPlatformPlugin,
      options.mockScheduler
        ? mockServices.scheduler.factory()
        : schedulerServiceFactory,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      policyPermissions(options.policy ?? testPolicy(), options.knex),
      createServiceFactory({
        service: coreServices.database,
        deps: {},
        factory: () => ({ getClient: async () => options.knex }),
      }),
      catalogServiceMock.factory({ entities: testGroups }),
      mockServices.rootConfig.factory({
        data: {
          appPlatform: {
            encryptionKey: randomBytes(32).toString('base64'),
            admins: ['group:default/platform-admins'],
            ...options.appPlatform,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}
