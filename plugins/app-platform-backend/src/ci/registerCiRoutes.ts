import {
  applicationReadPermission,
  serviceUpdatePermission,
} from '@internal/plugin-app-platform-common';
import { ResourceGuards } from '../permissions/createResourceGuards';
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
  guards: ResourceGuards;
}) {
  const { ci } = options;
  const { onApplication, onService } = options.guards;

  return (router: AppPlatformRouter) => {
    router.get('/applications/:name/services/:service/ci', async (req, res) => {
      const { name, service } = req.params;
      await onApplication(req, name, applicationReadPermission);
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
