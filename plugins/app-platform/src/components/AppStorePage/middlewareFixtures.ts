import {
  MiddlewareDefinitionList,
  MiddlewareDefinitionSummary,
  MiddlewarePreview,
} from '@internal/plugin-app-platform-common';

/** A tiny SVG as the API sends icons: a `data:` URL. */
const icon = (colour: string) =>
  `data:image/svg+xml;base64,${btoa(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="${colour}"/></svg>`,
  )}`;

const sizes: MiddlewareDefinitionSummary['sizes'] = [
  {
    name: 'small',
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '256Mi' },
  },
  {
    name: 'medium',
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
  },
  {
    name: 'large',
    requests: { cpu: '1', memory: '2Gi' },
    limits: { cpu: '2', memory: '4Gi' },
  },
];

/** The `version` and `size` properties the backend adds to every schema. */
const versionAndSize = (versions: string[], defaultVersion: string) => ({
  version: {
    title: 'Version',
    type: 'string',
    enum: versions,
    default: defaultVersion,
  },
  size: {
    title: 'Size',
    description: 'CPU and memory of each replica.',
    type: 'string',
    enum: ['small', 'medium', 'large'],
    default: 'small',
  },
});

const persistence = {
  title: 'Persistence',
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    enabled: { title: 'Keep data on a volume', type: 'boolean', default: true },
    size: {
      title: 'Volume size',
      type: 'string',
      pattern: '^[1-9][0-9]{0,4}(Mi|Gi|Ti)$',
      default: '1Gi',
    },
    storageClass: {
      title: 'Storage class',
      description: "The cluster's default when empty.",
      type: 'string',
      pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$',
    },
  },
};

/** As `templates/middleware/redis` lists. */
export const redis: MiddlewareDefinitionSummary = {
  name: 'redis',
  title: 'Redis',
  description:
    'In-memory key-value store for caches, sessions and light queues. One primary, optionally with read replicas of it.',
  icon: icon('#d82c20'),
  category: 'cache',
  versions: ['8.0', '7.4', '7.2'],
  defaultVersion: '7.4',
  sizes,
  parametersSchema: {
    additionalProperties: false,
    type: 'object',
    properties: {
      ...versionAndSize(['8.0', '7.4', '7.2'], '7.4'),
      replicas: {
        title: 'Replicas',
        description:
          'Pod 0 is the primary; the others replicate it and serve reads.',
        type: 'integer',
        minimum: 1,
        maximum: 5,
        default: 1,
      },
      password: {
        title: 'Password',
        description: 'Generated when not given.',
        type: 'string',
        format: 'password',
        minLength: 8,
        maxLength: 128,
      },
      maxmemoryPolicy: {
        title: 'Eviction policy',
        description: "What Redis evicts when it reaches the size's memory.",
        type: 'string',
        enum: ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'volatile-ttl'],
        default: 'allkeys-lru',
      },
      persistence,
    },
  },
  digest: 'sha256:redis',
};

/** As `templates/middleware/postgresql` lists. */
export const postgresql: MiddlewareDefinitionSummary = {
  name: 'postgresql',
  title: 'PostgreSQL',
  description: 'Relational database: one server with a database and its owner.',
  icon: icon('#336791'),
  category: 'database',
  versions: ['17', '16', '15'],
  defaultVersion: '17',
  sizes,
  parametersSchema: {
    additionalProperties: false,
    type: 'object',
    properties: {
      ...versionAndSize(['17', '16', '15'], '17'),
      database: {
        title: 'Database',
        description: 'Created on first start.',
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]{0,31}$',
        default: 'app',
      },
      persistence,
    },
  },
  digest: 'sha256:postgresql',
};

/** As `templates/middleware/rabbitmq` lists. */
export const rabbitmq: MiddlewareDefinitionSummary = {
  name: 'rabbitmq',
  title: 'RabbitMQ',
  description: 'Message broker with AMQP 0-9-1 and the management plugin.',
  icon: icon('#ff6600'),
  category: 'queue',
  versions: ['4.1', '4.0'],
  defaultVersion: '4.1',
  sizes,
  parametersSchema: {
    additionalProperties: false,
    type: 'object',
    properties: {
      ...versionAndSize(['4.1', '4.0'], '4.1'),
      username: {
        title: 'User',
        type: 'string',
        pattern: '^[A-Za-z0-9_.-]{1,64}$',
        not: { const: 'guest' },
        default: 'app',
      },
    },
  },
  digest: 'sha256:rabbitmq',
};

/** What `GET /middleware/definitions` answers in most tests. */
export const definitionList: MiddlewareDefinitionList = {
  items: [postgresql, rabbitmq, redis],
  problems: [],
};

/** What previewing Redis as instance `cache` answers. */
export const redisPreview: MiddlewarePreview = {
  objects: [
    { kind: 'Secret', name: 'cache' },
    { kind: 'ConfigMap', name: 'cache' },
    { kind: 'Service', name: 'cache' },
    { kind: 'Service', name: 'cache-headless' },
    { kind: 'StatefulSet', name: 'cache' },
  ],
  manifests: [
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cache\ndata:\n  password: <redacted>\n',
    'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: cache\nspec:\n  replicas: 1\n',
  ].join('---\n'),
  parameters: {
    version: '8.0',
    size: 'medium',
    replicas: 1,
    password: '<redacted>',
    maxmemoryPolicy: 'allkeys-lru',
    persistence: { enabled: true, size: '1Gi' },
  },
  env: [
    { name: 'CACHE_HOST', value: 'cache.my-application.svc' },
    { name: 'CACHE_PORT', value: '6379' },
    {
      name: 'CACHE_PASSWORD',
      secretKeyRef: { name: 'cache', key: 'password' },
    },
  ],
};
