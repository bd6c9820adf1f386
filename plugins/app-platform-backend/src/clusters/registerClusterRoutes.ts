import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Cluster,
  clusterManagePermission,
  clusterReadPermission,
} from '@internal/plugin-app-platform-common';
import type { Request } from 'express';
import { actorOf, authorizeRequest } from '../permissions/authorizeRequest';
import { AppPlatformRouter } from '../router';
import { ClusterRegistry } from './ClusterRegistry';

/**
 * What every signed-in user sees of a cluster: enough to tell where
 * applications run and whether the cluster is well, not where its API
 * server is or why a probe fails (which may quote the server's answers).
 */
export function clusterSummary(cluster: Cluster): Cluster {
  const {
    url: _url,
    healthReason: _healthReason,
    skipTLSVerify: _skipTLSVerify,
    ...summary
  } = cluster;
  return summary;
}

/**
 * `/clusters`: every signed-in user lists and reads them, the details
 * (`url`, `healthReason`, `skipTLSVerify`) need `app-platform.cluster.read`;
 * registering and removing need `app-platform.cluster.manage` (admins).
 */
export function registerClusterRoutes(options: {
  registry: ClusterRegistry;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { registry, httpAuth, permissions } = options;

  /** How the caller may see clusters: in full, or only their summary. */
  async function viewFor(req: Request): Promise<(cluster: Cluster) => Cluster> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: clusterReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW
      ? cluster => cluster
      : clusterSummary;
  }

  return (router: AppPlatformRouter) => {
    router.get('/clusters', async (req, res) => {
      const view = await viewFor(req);
      res.json({ items: (await registry.list()).map(view) });
    });

    router.get('/clusters/:name', async (req, res) => {
      const view = await viewFor(req);
      res.json(view(await registry.get(req.params.name)));
    });

    router.post('/clusters', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await authorizeRequest(permissions, credentials, {
        permission: clusterManagePermission,
      });
      res
        .status(201)
        .json(await registry.register(req.body, actorOf(credentials)));
    });

    router.delete('/clusters/:name', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await authorizeRequest(permissions, credentials, {
        permission: clusterManagePermission,
      });
      await registry.unregister(req.params.name, actorOf(credentials));
      res.status(204).end();
    });
  };
}
