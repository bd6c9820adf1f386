import { parseQuantity } from '../kube/parseQuantity';
import { InputError } from '@backstage/errors';
import {
  APP_PLATFORM_ANNOTATIONS,
  APP_PLATFORM_LABELS,
  VersionProbe,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ServiceTemplate } from './ServiceTemplates';
import {
  DEFAULT_CONFIG_MOUNT_PATH,
  isDnsLabel,
  isDnsSubdomain,
} from './validateVersionSpec';

/** What a version renders from. The spec is validated; the template parsed. */
export type RenderVersionInput = {
  /** The application, which is also the namespace. */
  application: string;
  service: string;
  version: number;
  spec: VersionSpec;
  template: ServiceTemplate;
};

/** A rendered object: always named and in the application's namespace. */
export type RenderedObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
};

/** The order objects are created in; delete in reverse. */
export const KIND_ORDER = [
  'ConfigMap',
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'Ingress',
] as const;

/** `Kind/name`, unique among a version's objects (all in one namespace). */
export function renderedObjectKey(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}

export const APP_CONTAINER = 'app';
export const PROXY_CONTAINER = 'proxy';
export const LOG_COLLECTOR_CONTAINER = 'log-collector';

/** Where kubernetes-models keeps the model of each kind a renderer may emit. */
const MODEL_PATHS: Record<string, string> = {
  ConfigMap: 'v1/ConfigMap',
  Secret: 'v1/Secret',
  PersistentVolumeClaim: 'v1/PersistentVolumeClaim',
  Service: 'v1/Service',
  Deployment: 'apps/v1/Deployment',
  StatefulSet: 'apps/v1/StatefulSet',
  Ingress: 'networking.k8s.io/v1/Ingress',
};
type Model = new (data: unknown) => { validate(): void };
const models = new Map<string, Model>();

/**
 * kubernetes-models is ESM-only with just an "import" export condition, so
 * CommonJS cannot `require('kubernetes-models/...')`; requiring its files by
 * path works in Node 22+ and in Jest (as in the kube-sandbox).
 */
function loadModel(kind: string): Model {
  let model = models.get(kind);
  if (!model) {
    const modelPath = MODEL_PATHS[kind];
    if (!modelPath) throw new Error(`No Kubernetes schema for kind ${kind}`);
    const directory = (require.resolve.paths('kubernetes-models') ?? [])
      .map(dir => path.join(dir, 'kubernetes-models'))
      .find(dir => fs.existsSync(path.join(dir, 'package.json')));
    if (!directory) throw new Error('kubernetes-models is not installed');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(path.join(directory, `${modelPath}.js`))[kind] as Model;
    models.set(kind, model);
  }
  return model;
}

/** The kinds `validateRenderedObject` knows the Kubernetes schema of. */
export const SCHEMA_VALIDATED_KINDS: readonly string[] =
  Object.keys(MODEL_PATHS);

/**
 * Throws InputError when an object's name is not valid for its kind or the
 * object does not match its Kubernetes schema; `source` names what rendered
 * it, for the reader of the error.
 */
export function validateRenderedObject(
  object: RenderedObject,
  source = 'the service template',
): void {
  const key = renderedObjectKey(object);
  const name = object.metadata.name;
  const nameOk =
    object.kind === 'Service'
      ? isDnsLabel(name) && /^[a-z]/.test(name)
      : isDnsSubdomain(name);
  if (!nameOk) {
    throw new InputError(
      `${key}: "${name}" is not a valid ${object.kind} name`,
    );
  }
  try {
    new (loadModel(object.kind))(object).validate();
  } catch (error) {
    throw new InputError(
      `${key} does not match the Kubernetes schema (check ${source}): ${
        (error as Error).message
      }`,
    );
  }
}

/** A hash of the config files, independent of their order in the spec. */
export function configChecksum(
  files: NonNullable<VersionSpec['configFiles']>,
): string {
  const pairs = files
    .map(f => [f.name, f.content])
    // Code-unit order, not localeCompare: the same on every machine.
    .sort(([a], [b]) => Number(a > b) - Number(a < b));
  return createHash('sha256')
    .update(JSON.stringify(pairs))
    .digest('hex')
    .slice(0, 16);
}

type Resources = ServiceTemplate['defaultResources'];

/**
 * Per resource (cpu, memory): what the spec says, the rest from the
 * template, adjusted so that a request never exceeds its limit (a template
 * limit below the spec's request is raised to it, a template request above
 * the spec's limit lowered to it). A template that sets a limit thus always
 * yields one, which quotas on limits need.
 */
export function effectiveResources(
  spec: Resources | undefined,
  defaults: Resources,
): Resources | undefined {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const q = (value: string) => parseQuantity(value)!;
  for (const name of ['cpu', 'memory'] as const) {
    const ownRequest = spec?.requests?.[name];
    const ownLimit = spec?.limits?.[name];
    let request = defaults.requests?.[name];
    let limit = defaults.limits?.[name];
    if (ownRequest !== undefined || ownLimit !== undefined) {
      if (ownRequest !== undefined) request = ownRequest;
      else if (request !== undefined && q(request) > q(ownLimit!)) {
        request = ownLimit;
      }
      if (ownLimit !== undefined) limit = ownLimit;
      else if (limit !== undefined && q(limit) < q(request!)) limit = request;
    }
    if (request !== undefined) requests[name] = request;
    if (limit !== undefined) limits[name] = limit;
  }
  const result: Record<string, Record<string, string>> = {};
  if (Object.keys(requests).length) result.requests = requests;
  if (Object.keys(limits).length) result.limits = limits;
  return Object.keys(result).length ? result : undefined;
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length ? value : undefined;
}

/** Copies an object without its undefined fields, keeping the key order given. */
function compact<T extends object>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) result[key] = v;
  }
  return result as T;
}

function probe(p: VersionProbe | undefined) {
  if (!p) return undefined;
  return compact({
    ...(p.path !== undefined
      ? { httpGet: { path: p.path, port: p.port } }
      : { tcpSocket: { port: p.port } }),
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
  });
}

/**
 * The Kubernetes objects of one version of a service, in creation order.
 * Pure and deterministic: equal input, byte-identical JSON. The caller adds
 * the installation label and its own annotations (spec hash, deployment).
 */
export function renderVersion(input: RenderVersionInput): RenderedObject[] {
  const { application, service, spec, template } = input;
  const serviceType = spec.serviceType ?? 'ClusterIP';
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': service,
    [APP_PLATFORM_LABELS.managedBy]: APP_PLATFORM_LABELS.managedByValue,
    [APP_PLATFORM_LABELS.application]: application,
    [APP_PLATFORM_LABELS.service]: service,
    'backstage.io/kubernetes-id': service,
    ...template.labels,
  };
  const metadata = (name: string, extraAnnotations = {}) =>
    compact({
      name,
      namespace: application,
      labels: { ...labels },
      annotations: nonEmpty({ ...template.annotations, ...extraAnnotations }),
    });
  const objects: RenderedObject[] = [];

  const configFiles = spec.configFiles ?? [];
  const configMapName = `${service}-config`;
  if (configFiles.length) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(configMapName),
      data: Object.fromEntries(configFiles.map(f => [f.name, f.content])),
    });
  }

  for (const volume of spec.volumes ?? []) {
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: metadata(`${service}-${volume.name}`),
      spec: compact({
        accessModes: ['ReadWriteOnce'],
        storageClassName: volume.storageClass,
        resources: { requests: { storage: volume.size } },
      }),
    });
  }

  const proxy = spec.sidecars?.proxy;
  const servicePorts = spec.ports.map((port, i) =>
    compact({
      name: port.name,
      protocol: port.protocol ?? 'TCP',
      port: port.servicePort ?? port.containerPort,
      // The proxy sits in front of the first port.
      targetPort: proxy && i === 0 ? proxy.port : port.name,
      nodePort: port.nodePort,
    }),
  );
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(service),
    spec:
      serviceType === 'ExternalName'
        ? compact({
            type: 'ExternalName',
            externalName: spec.externalName,
            ports: servicePorts.length ? servicePorts : undefined,
          })
        : {
            type: serviceType,
            selector: { [APP_PLATFORM_LABELS.service]: service },
            ports: servicePorts,
          },
  });

  for (const ref of spec.references ?? []) {
    const name = `${ref.application}-${ref.service}`;
    if (name === service) {
      throw new InputError(
        `spec.references: the reference to ${ref.application}/${ref.service} would be named "${name}", like the service itself`,
      );
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(name),
      spec: {
        type: 'ExternalName',
        externalName: `${ref.service}.${ref.application}.svc.cluster.local`,
      },
    });
  }

  if (serviceType !== 'ExternalName') {
    objects.push(renderDeployment(input, labels, metadata(service)));
  }

  if (spec.route) {
    const route = spec.route;
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: metadata(service, template.ingress.annotations),
      spec: compact({
        ingressClassName: template.ingress.className,
        tls: route.tlsSecret
          ? [{ hosts: [route.host], secretName: route.tlsSecret }]
          : undefined,
        rules: [
          {
            host: route.host,
            http: {
              paths: [
                {
                  path: route.path ?? '/',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: service,
                      port: { name: route.port ?? spec.ports[0].name },
                    },
                  },
                },
              ],
            },
          },
        ],
      }),
    });
  }

  for (const object of objects) validateRenderedObject(object);
  return objects;
}

function renderDeployment(
  input: RenderVersionInput,
  labels: Record<string, string>,
  metadata: RenderedObject['metadata'],
): RenderedObject {
  const { service, version, spec, template } = input;
  const configFiles = spec.configFiles ?? [];
  const securityContext = nonEmpty({ ...template.containerSecurityContext });
  const volumes: object[] = [];
  const appMounts: object[] = [];
  if (configFiles.length) {
    volumes.push({ name: 'config', configMap: { name: `${service}-config` } });
    appMounts.push({
      name: 'config',
      mountPath: spec.configMountPath ?? DEFAULT_CONFIG_MOUNT_PATH,
      readOnly: true,
    });
  }
  for (const volume of spec.volumes ?? []) {
    volumes.push({
      name: volume.name,
      persistentVolumeClaim: { claimName: `${service}-${volume.name}` },
    });
    appMounts.push({ name: volume.name, mountPath: volume.mountPath });
  }

  const env = (spec.env ?? []).map(e =>
    e.secretKeyRef
      ? {
          name: e.name,
          valueFrom: {
            secretKeyRef: {
              name: e.secretKeyRef.name,
              key: e.secretKeyRef.key,
            },
          },
        }
      : { name: e.name, value: e.value ?? '' },
  );
  const sidecars: object[] = [];

  const proxy = spec.sidecars?.proxy;
  if (proxy) {
    sidecars.push(
      compact({
        name: PROXY_CONTAINER,
        image: proxy.image ?? template.sidecars.proxy.image,
        ports: [{ containerPort: proxy.port, protocol: 'TCP' }],
        env: [
          { name: 'LISTEN_PORT', value: String(proxy.port) },
          {
            name: 'UPSTREAM',
            value: `127.0.0.1:${spec.ports[0].containerPort}`,
          },
        ],
        resources: effectiveResources(
          undefined,
          template.sidecars.proxy.resources,
        ),
        securityContext,
      }),
    );
  }

  const logging = spec.sidecars?.logging;
  if (logging) {
    const defaults = template.sidecars.logging;
    const logPath = logging.path ?? defaults.path;
    const policy = [
      { name: 'LOG_PATH', value: logPath },
      {
        name: 'LOG_MAX_FILE_SIZE',
        value: logging.maxFileSize ?? defaults.maxFileSize,
      },
      {
        name: 'LOG_MAX_FILES',
        value: String(logging.maxFiles ?? defaults.maxFiles),
      },
    ];
    volumes.push({
      name: 'logs',
      emptyDir: { sizeLimit: logging.sizeLimit ?? defaults.sizeLimit },
    });
    appMounts.push({ name: 'logs', mountPath: logPath });
    // The application learns where to write and how to rotate, unless its
    // own env says otherwise.
    for (const variable of policy) {
      if (!env.some(e => e.name === variable.name)) env.push(variable);
    }
    sidecars.push(
      compact({
        name: LOG_COLLECTOR_CONTAINER,
        image: logging.image ?? defaults.image,
        env: policy,
        resources: effectiveResources(undefined, defaults.resources),
        volumeMounts: [{ name: 'logs', mountPath: logPath, readOnly: true }],
        securityContext,
      }),
    );
  }

  const app = compact({
    name: APP_CONTAINER,
    image: spec.image,
    command: spec.command?.length ? spec.command : undefined,
    args: spec.args?.length ? spec.args : undefined,
    ports: spec.ports.map(p => ({
      name: p.name,
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
    })),
    env: env.length ? env : undefined,
    resources: effectiveResources(spec.resources, template.defaultResources),
    readinessProbe: probe(spec.probes?.readiness),
    livenessProbe: probe(spec.probes?.liveness),
    volumeMounts: appMounts.length ? appMounts : undefined,
    securityContext,
  });

  const podAnnotations = nonEmpty({
    ...template.podAnnotations,
    ...(configFiles.length
      ? {
          [APP_PLATFORM_ANNOTATIONS.configChecksum]:
            configChecksum(configFiles),
        }
      : {}),
  });

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: compact({
      replicas: spec.replicas,
      revisionHistoryLimit: template.deployment.revisionHistoryLimit,
      progressDeadlineSeconds: template.deployment.progressDeadlineSeconds,
      minReadySeconds: template.deployment.minReadySeconds,
      // The selector is immutable: the service, never the version.
      selector: { matchLabels: { [APP_PLATFORM_LABELS.service]: service } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: {
          maxSurge: template.deployment.strategy.maxSurge,
          maxUnavailable: template.deployment.strategy.maxUnavailable,
        },
      },
      template: {
        metadata: compact({
          labels: { ...labels, [APP_PLATFORM_LABELS.version]: String(version) },
          annotations: podAnnotations,
        }),
        spec: compact({
          securityContext: nonEmpty({ ...template.securityContext }),
          containers: [app, ...sidecars],
          volumes: volumes.length ? volumes : undefined,
        }),
      },
    }),
  };
}
