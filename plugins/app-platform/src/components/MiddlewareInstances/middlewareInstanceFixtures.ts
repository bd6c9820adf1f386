import {
  MiddlewareInstance,
  Service,
  ServiceVersion,
} from '@internal/plugin-app-platform-common';

/** Redis installed as `cache` in `payments`, bound by `api` and `worker`, failing on production. */
export const cache: MiddlewareInstance = {
  application: 'payments',
  name: 'cache',
  definition: 'redis',
  title: 'Redis',
  digest: 'sha256:redis',
  updateAvailable: false,
  middlewareVersion: '7.4',
  parameters: {
    version: '7.4',
    size: 'small',
    replicas: 1,
    password: '<redacted>',
    maxmemoryPolicy: 'allkeys-lru',
    persistence: { enabled: true, size: '1Gi' },
  },
  currentVersion: 1,
  desiredState: 'running',
  state: 'running',
  clusters: [
    {
      cluster: 'test',
      state: 'running',
      version: 1,
      readyReplicas: 1,
      desiredReplicas: 1,
      updatedReplicas: 1,
    },
    {
      cluster: 'production',
      state: 'failed',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "redis:7.4"',
      version: 1,
      readyReplicas: 0,
      desiredReplicas: 1,
      updatedReplicas: 1,
    },
  ],
  connection: {
    host: 'cache.payments.svc',
    port: 6379,
    env: [
      { name: 'CACHE_HOST', value: 'cache.payments.svc' },
      { name: 'CACHE_PORT', value: '6379' },
      {
        name: 'CACHE_PASSWORD',
        secretKeyRef: { name: 'cache', key: 'password' },
      },
    ],
  },
  boundBy: ['api', 'worker'],
  createdAt: '2026-11-26T10:00:00Z',
  createdBy: 'user:default/alice',
};

/** PostgreSQL installed as `orders-db`, its definition changed since: an update is available. */
export const ordersDb: MiddlewareInstance = {
  ...cache,
  name: 'orders-db',
  definition: 'postgresql',
  title: 'PostgreSQL',
  digest: 'sha256:postgresql-old',
  updateAvailable: true,
  middlewareVersion: '16',
  parameters: {
    version: '16',
    size: 'small',
    database: 'app',
    persistence: { enabled: true, size: '1Gi' },
  },
  clusters: [
    {
      cluster: 'test',
      state: 'running',
      version: 1,
      readyReplicas: 1,
      desiredReplicas: 1,
      updatedReplicas: 1,
    },
  ],
  connection: {
    host: 'orders-db.payments.svc',
    port: 5432,
    env: [
      { name: 'ORDERS_DB_HOST', value: 'orders-db.payments.svc' },
      { name: 'ORDERS_DB_PORT', value: '5432' },
      { name: 'ORDERS_DB_USER', value: 'app' },
      {
        name: 'ORDERS_DB_PASSWORD',
        secretKeyRef: { name: 'orders-db', key: 'password' },
      },
      { name: 'ORDERS_DB_DATABASE', value: 'app' },
    ],
  },
  boundBy: [],
};

const service = (name: string, currentVersion?: number): Service => ({
  application: 'payments',
  name,
  public: false,
  owner: 'group:default/team-a',
  createdAt: '2026-11-23T10:00:00Z',
  createdBy: 'user:default/alice',
  currentVersion,
  desiredState: 'running',
});

/** `api` and `worker` (at v3) bind `cache`; `batch` was never deployed. */
export const services: Service[] = [
  service('api', 2),
  service('worker', 3),
  service('batch'),
];

/** The versions of `worker`, newest first: v3 is current. */
export const workerVersions: ServiceVersion[] = [3, 2].map(number => ({
  application: 'payments',
  service: 'worker',
  number,
  spec: {
    image: `payments/worker:${number}`,
    replicas: 2,
    ports: [],
    env: [{ name: 'QUEUE', value: 'orders' }],
    bindings: [{ instance: 'cache' }],
  },
  createdAt: '2026-11-24T10:00:00Z',
  createdBy: 'user:default/alice',
}));
