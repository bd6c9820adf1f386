import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  serverCreatePermission,
  serverManagePermission,
  ServerInput,
} from '@internal/plugin-app-platform-common';
import { authorizeRequest } from '../permissions/authorizeRequest';
import type { AppPlatformRouter } from '../router';
import { ServerService } from './ServerService';

/**
 * `/servers`: reading is open to every signed-in user and service (the
 * catalog module reads them); recording needs `app-platform.server.create`,
 * changing or deleting needs `app-platform.server.manage` on the server
 * (its owners, under the policy).
 */
export function registerServerRoutes(options: {
  servers: ServerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { servers, httpAuth, permissions } = options;
  return (router: AppPlatformRouter) => {
    router.get('/servers', async (req, res) => {
      const { owner, provider, state } = req.query;
      const items = await servers.list({
        owner: owner ? [owner] : undefined,
        provider,
        state,
      });
      res.json({ items });
    });

    router.get('/servers/providers', async (_req, res) => {
      res.json({ items: await servers.listProviderStatus() });
    });

    router.get('/servers/:id', async (req, res) => {
      res.json(await servers.get(req.params.id));
    });

    router.post('/servers', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await authorizeRequest(permissions, credentials, {
        permission: serverCreatePermission,
      });
      res.status(201).json(await servers.create(req.body as ServerInput));
    });

    router.put('/servers/:id', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      // 404 first: the policy judges an existing server by its owner.
      await servers.get(req.params.id);
      await authorizeRequest(permissions, credentials, {
        permission: serverManagePermission,
        resourceRef: req.params.id,
      });
      res.json(await servers.update(req.params.id, req.body as ServerInput));
    });

    router.delete('/servers/:id', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await servers.get(req.params.id);
      await authorizeRequest(permissions, credentials, {
        permission: serverManagePermission,
        resourceRef: req.params.id,
      });
      await servers.delete(req.params.id);
      res.status(204).end();
    });
  };
}
