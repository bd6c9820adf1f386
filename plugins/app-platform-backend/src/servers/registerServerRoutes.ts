import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  serverCreatePermission,
  serverImportPermission,
  serverManagePermission,
  serverReadPermission,
  ServerInput,
} from '@internal/plugin-app-platform-common';
import type { Request } from 'express';
import { authorizeRequest } from '../permissions/authorizeRequest';
import type { AppPlatformRouter } from '../router';
import { ServerInventory } from './ServerInventory';

/**
 * `/servers`: reading needs `app-platform.server.read` (everyone under the
 * portal's policy; the catalog module reads them as a service); recording needs `app-platform.server.create`,
 * changing or deleting needs `app-platform.server.manage` on the server
 * (its owners, under the policy); running an import or the expiry scan now
 * needs `app-platform.server.import` (admins).
 */
export function registerServerRoutes(options: {
  servers: ServerInventory;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { httpAuth, permissions } = options;
  const inventory = options.servers;
  const servers = inventory.service;
  const authorizeRead = async (req: Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorizeRequest(permissions, credentials, {
      permission: serverReadPermission,
    });
  };
  const authorizeImport = async (req: Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorizeRequest(permissions, credentials, {
      permission: serverImportPermission,
    });
  };
  return (router: AppPlatformRouter) => {
    router.get('/servers', async (req, res) => {
      await authorizeRead(req);
      const { owner, provider, state } = req.query;
      const items = await servers.list({
        owner: owner ? [owner] : undefined,
        provider,
        state,
      });
      res.json({ items });
    });

    router.get('/servers/providers', async (req, res) => {
      await authorizeRead(req);
      res.json({ items: await inventory.listProviderStatus() });
    });

    router.post('/servers/providers/:name/import', async (req, res) => {
      await authorizeImport(req);
      res.status(202).json(await inventory.triggerImport(req.params.name));
    });

    router.get('/servers/expiry-scan', async (req, res) => {
      await authorizeRead(req);
      res.json(await inventory.scanner.getStatus());
    });

    router.post('/servers/expiry-scan', async (req, res) => {
      await authorizeImport(req);
      res.status(202).json(await inventory.triggerExpiryScan());
    });

    router.get('/servers/:id', async (req, res) => {
      await authorizeRead(req);
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
