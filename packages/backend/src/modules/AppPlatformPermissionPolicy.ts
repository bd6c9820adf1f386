import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  applicationAdoptPermission,
  applicationDeletePermission,
  applicationUpdatePermission,
  clusterManagePermission,
  clusterReadPermission,
  serverImportPermission,
  serverManagePermission,
  serviceCreatePermission,
  SERVICE_RESOURCE_TYPE,
  taskManagePermission,
} from '@internal/plugin-app-platform-common';
import {
  applicationConditions,
  createApplicationConditionalDecision,
  createServerConditionalDecision,
  createServiceConditionalDecision,
  serverConditions,
  serviceConditions,
} from '@internal/plugin-app-platform-node';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The portal's permission policy: members of the groups in
 * `appPlatform.admins` may do anything; owners manage their applications, their
 * services (create, update, deploy, roll back, delete) and servers; only admins manage clusters, see their details (API server URL,
 * probe failures), adopt existing namespaces, run server imports and expiry
 * scans on demand and trigger or cancel the plugin's scheduled tasks;
 * everyone reads the rest and may create.
 * Other plugins' permissions are allowed, as before this policy.
 */
export class AppPlatformPermissionPolicy implements PermissionPolicy {
  private constructor(private readonly admins: ReadonlySet<string>) {}

  static fromConfig(config: Config): AppPlatformPermissionPolicy {
    return new AppPlatformPermissionPolicy(
      new Set(config.getOptionalStringArray('appPlatform.admins') ?? []),
    );
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.admins.has(ref))) {
      return ALLOW;
    }
    const { permission } = request;
    if (
      isPermission(permission, clusterManagePermission) ||
      isPermission(permission, clusterReadPermission) ||
      isPermission(permission, taskManagePermission) ||
      isPermission(permission, serverImportPermission) ||
      isPermission(permission, applicationAdoptPermission)
    ) {
      return DENY;
    }
    if (
      isPermission(permission, applicationUpdatePermission) ||
      isPermission(permission, applicationDeletePermission) ||
      isPermission(permission, serviceCreatePermission)
    ) {
      return createApplicationConditionalDecision(
        permission,
        applicationConditions.isApplicationOwner({ claims }),
      );
    }
    // Update, deploy, rollback and delete alike: a rollback needs no more than a deploy.
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
    return ALLOW;
  }
}
