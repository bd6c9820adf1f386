import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import {
  applicationReadPermission,
  serviceUpdatePermission,
} from '@internal/plugin-app-platform-common';
import { actorOf, authorizeResource } from '../permissions/authorizeRequest';
import { rawBodyOf } from '../http/rawBody';
import { AppPlatformRouter } from '../router';
import { CiService } from './CiService';

/**
 * `…/services/{service}/ci` (settings, secret) for signed-in callers, and
 * `POST /ci/{provider}`, the CI systems' webhook: no Backstage credentials,
 * verified by the provider with the service's webhook secret.
 */
export function registerCiRoutes(options: {
  ci: CiService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The service's owner, for the permission rules; 404 for an unknown service. */
  serviceOwner: (
    application: string,
    service: string,
  ) => Promise<{ owner: string }>;
  isAllowedOnApplication: (
    decision: PolicyDecision,
    resource: { owner: string },
  ) => boolean;
  isAllowedOnService: (
    decision: PolicyDecision,
    resource: { owner: string },
  ) => boolean;
}) {
  const { ci, httpAuth, permissions } = options;

  async function onService(
    req: Parameters<HttpAuthService['credentials']>[0],
    application: string,
    service: string,
    permission:
      | typeof serviceUpdatePermission
      | typeof applicationReadPermission,
  ) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const resource = await options.serviceOwner(application, service);
    const read = permission === applicationReadPermission;
    await authorizeResource(permissions, credentials, {
      permission,
      resourceRef: read ? application : `${application}/${service}`,
      resource,
      isAllowed: read
        ? options.isAllowedOnApplication
        : options.isAllowedOnService,
    });
    return { actor: actorOf(credentials), credentials };
  }

  return (router: AppPlatformRouter) => {
    router.get('/applications/:name/services/:service/ci', async (req, res) => {
      const { name, service } = req.params;
      await onService(req, name, service, applicationReadPermission);
      res.json(await ci.settings(name, service));
    });

    router.put('/applications/:name/services/:service/ci', async (req, res) => {
      const { name, service } = req.params;
      const caller = await onService(
        req,
        name,
        service,
        serviceUpdatePermission,
      );
      res.json(await ci.updateSettings(name, service, req.body, caller));
    });

    router.post(
      '/applications/:name/services/:service/ci/secret',
      async (req, res) => {
        const { name, service } = req.params;
        const caller = await onService(
          req,
          name,
          service,
          serviceUpdatePermission,
        );
        res.status(201).json(await ci.createSecret(name, service, caller));
      },
    );

    router.post('/ci/:provider', async (req, res) => {
      const receipt = await ci.receive(req.params.provider, {
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k.toLowerCase(),
            Array.isArray(v) ? v[0] : v,
          ]),
        ),
        rawBody: rawBodyOf(req),
        body: req.body,
        query: {
          application: req.query.application,
          service: req.query.service,
        },
      });
      if (receipt.status === 202) {
        res.status(202).json({ ignored: receipt.ignored });
      } else {
        res.status(receipt.status).json({ build: receipt.build });
      }
    });
  };
}
