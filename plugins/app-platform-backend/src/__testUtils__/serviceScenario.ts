import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import path from 'node:path';
import request from 'supertest';
import { as } from './startTestPlatform';
import { waitFor } from './waitFor';

/*
 * The pieces of the service tests (deployments, CI): sandbox clusters with
 * fast rollouts, the platform's config for them, and an API client.
 */

const root = path.resolve(__dirname, '../../../..');
export const CLUSTER_TIMEOUT_MS = 3000;

export function platformConfig(sandboxes: Record<string, Sandbox>) {
  return {
    clusterTimeout: { milliseconds: CLUSTER_TIMEOUT_MS },
    reconcile: {
      interval: { milliseconds: 1000 },
      initialBackoff: { milliseconds: 300 },
      maxBackoff: { seconds: 1 },
    },
    healthProbe: {
      frequency: { seconds: 1 },
      timeout: { milliseconds: CLUSTER_TIMEOUT_MS },
    },
    namespaceTemplates: { directory: path.join(root, 'templates/namespaces') },
    serviceTemplates: { directory: path.join(root, 'templates/services') },
    clusters: Object.entries(sandboxes).map(([name, sandbox], index) => ({
      name,
      url: sandbox.url,
      caData: sandbox.caData,
      token: sandbox.token,
      environment: index === 0 ? 'test' : 'production',
    })),
  };
}

export function kubeFor(sandbox: Sandbox) {
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig());
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
  };
}

export async function startSandboxes(...names: string[]) {
  const sandboxes = await Promise.all(
    names.map(name =>
      startSandbox({
        name,
        namespaceTerminationMs: 200,
        // Rollouts of a few hundred milliseconds; progress deadline 600 s / 20.
        controller: { speed: 20 },
      }),
    ),
  );
  return Object.fromEntries(names.map((n, i) => [n, sandboxes[i]]));
}

export type Call = (
  user: string | undefined,
  method: 'get' | 'post' | 'put' | 'patch' | 'delete',
  p: string,
  body?: object,
) => Promise<request.Response>;

export function apiClient(server: any, responses: string[]): Call {
  return async (user, method, p, body) => {
    let req = request(server)[method](`/api/app-platform${p}`);
    if (user) req = req.set('Authorization', as(user));
    if (body) req = req.send(body);
    const res = await req;
    responses.push(JSON.stringify(res.body));
    return res;
  };
}

export const spec = (image: string, extra: object = {}) => ({
  image,
  replicas: 2,
  ports: [{ name: 'http', containerPort: 8080 }],
  env: [{ name: 'LOG_LEVEL', value: 'info' }],
  ...extra,
});

/**
 * Application `shop` (owned by team-a, ALICE's group) with service `web`
 * whose first version (`shop/web:1`) runs on every cluster of the config:
 * the starting point of the tests of what comes after a first deploy.
 */
export async function shopWithWebRunning(
  call: Call,
  users: { admin: string; owner: string },
  clusters: number,
) {
  await waitFor(async () => {
    const res = await call(users.admin, 'get', '/clusters');
    return res.body.items?.length === clusters &&
      res.body.items.every((c: any) => c.health === 'healthy')
      ? true
      : undefined;
  }, 'clusters healthy');
  const created = await call(users.owner, 'post', '/applications', {
    name: 'shop',
    owner: 'group:default/team-a',
  });
  if (created.status !== 201) {
    throw new Error(`shop not created: ${JSON.stringify(created.body)}`);
  }
  await waitFor(async () => {
    const res = await call(users.owner, 'get', '/applications/shop');
    return res.body.namespaces?.length === clusters &&
      res.body.namespaces.every((n: any) => n.state === 'ready')
      ? true
      : undefined;
  }, 'namespaces ready');
  await call(users.owner, 'post', '/applications/shop/services', {
    name: 'web',
  });
  const v1 = await call(
    users.owner,
    'post',
    '/applications/shop/services/web/deployments',
    { spec: spec('shop/web:1') },
  );
  return waitFor(async () => {
    const res = await call(
      users.owner,
      'get',
      `/applications/shop/services/web/deployments/${v1.body.id}`,
    );
    return res.body.state === 'succeeded' ? res.body : undefined;
  }, 'v1 running');
}
