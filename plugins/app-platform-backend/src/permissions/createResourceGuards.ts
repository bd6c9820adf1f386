import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Caller } from '../applications/ApplicationService';
import { actorOf, authorizeResource } from './authorizeRequest';

type Request = Parameters<HttpAuthService['credentials']>[0];
type Owned = { owner: string };

/**
 * The checks of the routes under `/applications/{name}` and of the actions:
 * the caller's credentials, 404 for an unknown application or service
 * first, then the permission on it, decided with the plugin's owner rules.
 * Answers the caller for the domain services.
 */
export function createResourceGuards(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The application, or NotFoundError. */
  application: (name: string) => Promise<Owned>;
  /** The service, or NotFoundError. */
  service: (application: string, name: string) => Promise<Owned>;
  /** Applies a policy decision to an application (the plugin's owner rules). */
  isAllowedOnApplication: (
    decision: PolicyDecision,
    resource: Owned,
  ) => boolean;
  /** Applies a policy decision to a service (owned by its application's owner). */
  isAllowedOnService: (decision: PolicyDecision, resource: Owned) => boolean;
}) {
  const credentialsOf = (req: Request) =>
    options.httpAuth.credentials(req, { allow: ['user', 'service'] });
  const guards = {
    /** The permission on an application, for a caller already authenticated (actions). */
    async applicationAs(
      credentials: BackstageCredentials,
      name: string,
      permission: ResourcePermission,
    ): Promise<Caller> {
      await authorizeResource(options.permissions, credentials, {
        permission,
        resourceRef: name,
        resource: await options.application(name),
        isAllowed: options.isAllowedOnApplication,
      });
      return { actor: actorOf(credentials), credentials };
    },
    /** The permission on a service, for a caller already authenticated (actions). */
    async serviceAs(
      credentials: BackstageCredentials,
      application: string,
      name: string,
      permission: ResourcePermission,
    ): Promise<Caller> {
      await authorizeResource(options.permissions, credentials, {
        permission,
        resourceRef: `${application}/${name}`,
        resource: await options.service(application, name),
        isAllowed: options.isAllowedOnService,
      });
      return { actor: actorOf(credentials), credentials };
    },
    async onApplication(
      req: Request,
      name: string,
      permission: ResourcePermission,
    ): Promise<Caller> {
      return guards.applicationAs(await credentialsOf(req), name, permission);
    },
    async onService(
      req: Request,
      application: string,
      name: string,
      permission: ResourcePermission,
    ): Promise<Caller> {
      return guards.serviceAs(
        await credentialsOf(req),
        application,
        name,
        permission,
      );
    },
  };
  return guards;
}

/** What the routes of a domain get to check their callers. */
export type ResourceGuards = ReturnType<typeof createResourceGuards>;
