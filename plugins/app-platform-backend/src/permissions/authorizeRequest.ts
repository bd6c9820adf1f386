import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Throws NotAllowedError (403) unless the permission framework allows the request. */
export async function authorizeRequest(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  request:
    | { permission: BasicPermission }
    | { permission: ResourcePermission; resourceRef: string },
): Promise<void> {
  const [decision] = await permissions.authorize([request], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    const target =
      'resourceRef' in request ? ` on "${request.resourceRef}"` : '';
    throw new NotAllowedError(
      `Not allowed: ${request.permission.name}${target}`,
    );
  }
}

/**
 * Like authorizeRequest, for a resource this plugin owns: a conditional
 * decision is applied here, to the resource already loaded, with the
 * plugin's own rules (no round trip through the permission backend).
 */
export async function authorizeResource<TResource>(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  request: {
    permission: ResourcePermission;
    resourceRef: string;
    resource: TResource;
    isAllowed: (decision: PolicyDecision, resource: TResource) => boolean;
  },
): Promise<void> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission: request.permission }],
    { credentials },
  );
  if (!request.isAllowed(decision, request.resource)) {
    throw new NotAllowedError(
      `Not allowed: ${request.permission.name} on "${request.resourceRef}"`,
    );
  }
}

/** The entity ref the audit trail records for a caller. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef)
    return principal.userEntityRef;
  if (principal.type === 'service' && principal.subject)
    return principal.subject;
  return principal.type;
}
