import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { clusterManagePermission } from '@internal/plugin-app-platform-common';
import { actorOf, authorizeRequest } from '../permissions/authorizeRequest';
import { AppPlatformRouter } from '../router';
import { ClusterRegistry } from './ClusterRegistry';

/** `/clusters`: list and read for everyone, register and remove for admins. */
export function registerClusterRoutes(options: {
  registry: ClusterRegistry;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { registry, httpAuth, permissions } = options;
  return (router: AppPlatformRouter) => {
    router.get('/clusters', async (_req, res) => {
      res.json({ items: await registry.list() });
    });

    router.get('/clusters/:name', async (req, res) => {
      res.json(await registry.get(req.params.name));
    });

    router.post('/clusters', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      await authorizeRequest(permissions, credentials, { permission: clusterManagePermission });
      res.status(201).json(await registry.register(req.body, actorOf(credentials)));
    });

    router.delete('/clusters/:name', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      await authorizeRequest(permissions, credentials, { permission: clusterManagePermission });
      await registry.unregister(req.params.name, actorOf(credentials));
      res.status(204).end();
    });
  };
}
