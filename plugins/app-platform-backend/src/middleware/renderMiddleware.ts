import { InputError } from '@backstage/errors';
import {
  APP_PLATFORM_ANNOTATIONS,
  APP_PLATFORM_LABELS,
  checkMiddlewareInstanceName,
} from '@internal/plugin-app-platform-common';
import { createHash, randomBytes } from 'node:crypto';
import {
  createTemplateRenderer,
  TemplateContext,
  TemplateLimitError,
  TemplateRenderError,
  TemplateRenderLimits,
  TemplateRenderer,
} from 'nunjitsu';
import { parseAllDocuments } from 'yaml';
import {
  RenderedObject,
  renderedObjectKey,
  validateRenderedObject,
} from '../services/renderVersion';
import {
  checkMiddlewareObject,
  isObject,
  MIDDLEWARE_KINDS,
} from './checkMiddlewareObject';
import { createTemplateHelpers, HelperFailures } from './createTemplateHelpers';
import {
  ConnectionValueTemplate,
  MiddlewareDefinition,
  MiddlewareSizeName,
} from './MiddlewareDefinition';
import { checkResolvedParameters } from './resolveMiddlewareParameters';

/**
 * What one render of one template file may use. Rendering is synchronous
 * and nunjitsu counts its work, so `workUnits` bounds the time (some 150 ms
 * on a slow machine) and the code-unit and byte limits bound the memory;
 * the shipped templates use a small fraction of each.
 */
export const MIDDLEWARE_RENDER_LIMITS: TemplateRenderLimits = {
  sourceCodeUnits: 256 * 1024,
  astNodes: 50_000,
  workUnits: 250_000,
  nestingDepth: 64,
  outputCodeUnits: 256 * 1024,
  scratchBytes: 1024 * 1024,
  capabilityCalls: 5_000,
};

/**
 * The whole render's time, checked between files: a definition with many
 * files that each stay under the limits still cannot hold the event loop.
 */
const RENDER_DEADLINE_MS = 2000;
/** At most this many objects per instance. */
const MAX_OBJECTS = 50;
/** YAML aliases a rendered file may expand (against "billion laughs"). */
const MAX_YAML_ALIASES = 100;

export type RenderMiddlewareInput = {
  definition: MiddlewareDefinition;
  /** The instance's name: a DNS-1123 label of at most 40 characters. */
  instance: string;
  /** The application's namespace the instance lives in. */
  namespace: string;
  /** This installation's id, written on every object. */
  installationId: string;
  /** As returned by `resolveMiddlewareParameters` and stored. */
  parameters: Record<string, unknown>;
  /**
   * The instance's secret seed (`createInstanceSeed`), stored with it: what
   * `randomPassword(key)` derives from, so re-rendering changes nothing.
   */
  seed?: string;
};

/** A connection setting a bound service receives as an env var. */
export type ConnectionValue =
  | { value: string }
  | { secretKeyRef: { name: string; key: string } };

/** How a service reaches an instance. */
export type MiddlewareConnection = {
  /** `<service>.<namespace>.svc`: resolvable from every namespace. */
  host: string;
  port: number;
  service: string;
  user?: ConnectionValue;
  password?: ConnectionValue;
  database?: ConnectionValue;
};

export type RenderedMiddleware = {
  /** In creation order: Secret, ConfigMap, PVC, Service, StatefulSet, Deployment. */
  objects: RenderedObject[];
  connection: MiddlewareConnection;
  /** The parameters rendered with, defaults included. */
  parameters: Record<string, unknown>;
};

const KIND_ORDER = Object.keys(MIDDLEWARE_KINDS);

/** A fresh random seed for a new instance's `randomPassword`s. */
export function createInstanceSeed(): string {
  return randomBytes(32).toString('base64url');
}

/** The labels of every object and pod of an instance. */
export function middlewareLabels(input: {
  definition: string;
  instance: string;
  namespace: string;
  installationId: string;
  version: string;
}): Record<string, string> {
  return {
    'app.kubernetes.io/name': input.definition,
    'app.kubernetes.io/instance': input.instance,
    'app.kubernetes.io/version': input.version,
    [APP_PLATFORM_LABELS.managedBy]: APP_PLATFORM_LABELS.managedByValue,
    [APP_PLATFORM_LABELS.application]: input.namespace,
    [APP_PLATFORM_LABELS.installation]: input.installationId,
    [APP_PLATFORM_LABELS.middleware]: input.instance,
  };
}

function describeError(error: unknown, failures: HelperFailures): string {
  if (error instanceof TemplateLimitError) {
    const at = error.line ? `line ${error.line}: ` : '';
    return `${at}exceeds the ${error.limit ?? 'resource'} limit${
      error.configured !== undefined ? ` of ${error.configured}` : ''
    } (an endless loop or an unbounded allocation?)`;
  }
  if (error instanceof TemplateRenderError) {
    const at = error.line ? `line ${error.line}: ` : '';
    const message =
      error.code === 'capability_error' && failures.message
        ? failures.message
        : error.message.replace(
            /^Template error at line \d+, column \d+: /,
            '',
          );
    return `${at}${message}`;
  }
  return (error as Error).message;
}

function renderText(
  renderer: TemplateRenderer,
  source: string,
  context: TemplateContext,
  failures: HelperFailures,
  where: string,
): string {
  failures.message = undefined;
  try {
    return renderer.render(source, context, {
      limits: MIDDLEWARE_RENDER_LIMITS,
    });
  } catch (error) {
    throw new InputError(`${where} ${describeError(error, failures)}`);
  }
}

function parseDocuments(text: string, where: string): unknown[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(documents)) return [];
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new InputError(
        `${where} renders invalid YAML${
          line ? ` (rendered line ${line})` : ''
        }: ${error.message.split('\n')[0]}`,
      );
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e) {
      throw new InputError(
        `${where} renders invalid YAML: ${(e as Error).message}`,
      );
    }
    // Empty documents (a `{% if %}` that left nothing) are skipped.
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
}

/** Platform labels over the template's own: a template cannot drop or change them. */
function withLabels(metadata: unknown, labels: Record<string, string>) {
  const own = isObject(metadata) ? metadata : {};
  return { ...own, labels: { ...stringMap(own.labels), ...labels } };
}

/** Kubernetes stores stringData as data; doing so here keeps plans and checksums exact. */
function secretAsData(object: Record<string, unknown>) {
  const stringData = isObject(object.stringData) ? object.stringData : {};
  const data: Record<string, unknown> = isObject(object.data)
    ? { ...object.data }
    : {};
  for (const [key, value] of Object.entries(stringData)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  const { stringData: _, ...rest } = object;
  return Object.keys(data).length ? { ...rest, data } : rest;
}

/** A hash of every ConfigMap and Secret, so changing one rolls the pods. */
function configChecksum(objects: RenderedObject[]): string {
  const config = objects
    .filter(o => o.kind === 'ConfigMap' || o.kind === 'Secret')
    .map(o => [renderedObjectKey(o), o.data ?? {}, o.binaryData ?? {}])
    .sort(([a], [b]) => Number(a > b) - Number(a < b));
  return createHash('sha256')
    .update(
      JSON.stringify(config, (_key, value) =>
        isObject(value) && !Array.isArray(value)
          ? Object.fromEntries(
              Object.entries(value).sort(
                ([a], [b]) => Number(a > b) - Number(a < b),
              ),
            )
          : value,
      ),
    )
    .digest('hex')
    .slice(0, 16);
}

function connectionValue(
  template: ConnectionValueTemplate | undefined,
  render: (text: string, field: string) => string,
  field: string,
  secret: RenderedObject | undefined,
  where: string,
): ConnectionValue | undefined {
  if (!template) return undefined;
  if ('value' in template) return { value: render(template.value, field) };
  const key = render(template.secretKey, field);
  if (!secret) {
    throw new InputError(
      `${where}: connection.${field}: connection.secret is not set`,
    );
  }
  if (!isObject(secret.data) || !(key in secret.data)) {
    throw new InputError(
      `${where}: connection.${field}: the Secret ${secret.metadata.name} has no key "${key}"`,
    );
  }
  return { secretKeyRef: { name: secret.metadata.name, key } };
}

/**
 * Renders a middleware instance: each `templates/*.yaml` of the definition
 * through nunjitsu (untrusted text: no file system, process or network, and
 * within MIDDLEWARE_RENDER_LIMITS), then checks every object (an allowed
 * namespaced kind, in the instance's namespace, named after the instance,
 * matching its Kubernetes schema), adds the platform's labels to objects,
 * pods and claims, and a checksum of the configuration to the pods.
 * Deterministic: equal input, equal output. Throws InputError naming the
 * definition, the file and the line or object; nothing is returned then.
 */
export function renderMiddleware(
  input: RenderMiddlewareInput,
): RenderedMiddleware {
  const { definition, instance, namespace, installationId } = input;
  const where = `middleware definition "${definition.name}"`;
  const nameProblem = checkMiddlewareInstanceName(instance);
  if (nameProblem) {
    throw new InputError(`instance name "${instance}" ${nameProblem}`);
  }
  const parameters = checkResolvedParameters(definition, input.parameters);
  const version = String(parameters.version);
  const sizeName = parameters.size as MiddlewareSizeName;
  const labels = middlewareLabels({
    definition: definition.name,
    instance,
    namespace,
    installationId,
    version,
  });
  const { 'app.kubernetes.io/version': _version, ...claimLabels } = labels;
  const selectorLabels = {
    'app.kubernetes.io/name': definition.name,
    'app.kubernetes.io/instance': instance,
  };
  const failures = new HelperFailures();
  const renderer = createTemplateRenderer({
    ...createTemplateHelpers({
      labels,
      selectorLabels,
      seed: input.seed,
      failures,
    }),
    trimBlocks: true,
    lstripBlocks: true,
  });
  const size = definition.sizes[sizeName];
  const context = {
    instance: { name: instance, namespace },
    definition: { name: definition.name, title: definition.title },
    parameters,
    version,
    size: {
      name: sizeName,
      resources: size.resources,
      settings: size.settings,
    },
  } as TemplateContext;

  const objects: RenderedObject[] = [];
  const seen = new Set<string>();
  const started = Date.now();
  for (const file of definition.templates) {
    const fileWhere = `${where}: ${file.path}`;
    if (Date.now() - started > RENDER_DEADLINE_MS) {
      throw new InputError(
        `${fileWhere}: not rendered; the definition took longer than ${RENDER_DEADLINE_MS} ms`,
      );
    }
    const text = renderText(
      renderer,
      file.text,
      context,
      failures,
      `${fileWhere}:`,
    );
    for (const document of parseDocuments(text, fileWhere)) {
      checkMiddlewareObject(document, {
        instance,
        namespace,
        where: fileWhere,
      });
      let object: Record<string, unknown> = {
        ...document,
        metadata: { ...withLabels(document.metadata, labels), namespace },
      };
      if (object.kind === 'Secret') object = secretAsData(object);
      const spec = isObject(object.spec) ? object.spec : undefined;
      if (
        spec &&
        (object.kind === 'StatefulSet' || object.kind === 'Deployment')
      ) {
        const template = isObject(spec.template) ? spec.template : {};
        object.spec = {
          ...spec,
          template: {
            ...template,
            metadata: withLabels(template.metadata, labels),
            spec: {
              ...(isObject(template.spec) ? template.spec : {}),
              automountServiceAccountToken: false,
            },
          },
          ...(Array.isArray(spec.volumeClaimTemplates)
            ? {
                // The claims outlive the StatefulSet: labelled, they stay
                // findable. Without the version label: volumeClaimTemplates
                // cannot change, and an upgrade must not try to.
                volumeClaimTemplates: spec.volumeClaimTemplates.map(claim => ({
                  ...claim,
                  metadata: withLabels(claim?.metadata, claimLabels),
                })),
              }
            : {}),
        };
      }
      const rendered = object as RenderedObject;
      const key = renderedObjectKey(rendered);
      if (seen.has(key)) {
        throw new InputError(`${fileWhere}: ${key} is rendered twice`);
      }
      seen.add(key);
      validateRenderedObject(rendered, `${where}, ${file.path}`);
      objects.push(rendered);
      if (objects.length > MAX_OBJECTS) {
        throw new InputError(`${where}: more than ${MAX_OBJECTS} objects`);
      }
    }
  }
  objects.sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );

  const checksum = configChecksum(objects);
  for (const object of objects) {
    if (object.kind !== 'StatefulSet' && object.kind !== 'Deployment') continue;
    const template = (object.spec as any).template;
    template.metadata.annotations = {
      ...stringMap(template.metadata.annotations),
      [APP_PLATFORM_ANNOTATIONS.configChecksum]: checksum,
    };
  }

  return {
    objects,
    connection: renderConnection(input, objects, (text, field) =>
      renderText(
        renderer,
        text,
        context,
        failures,
        `${where}: definition.yaml: connection.${field}:`,
      ),
    ),
    parameters,
  };
}

function renderConnection(
  input: RenderMiddlewareInput,
  objects: RenderedObject[],
  render: (text: string, field: string) => string,
): MiddlewareConnection {
  const { connection } = input.definition;
  const where = `middleware definition "${input.definition.name}": definition.yaml`;
  const serviceName = render(connection.service, 'service');
  const service = objects.find(
    o => o.kind === 'Service' && o.metadata.name === serviceName,
  );
  if (!service) {
    throw new InputError(
      `${where}: connection.service: no Service "${serviceName}" is rendered`,
    );
  }
  const ports = ((service.spec as any)?.ports ?? []) as Array<{
    name?: string;
    port: number;
  }>;
  const wanted =
    typeof connection.port === 'number'
      ? connection.port
      : render(connection.port, 'port');
  const port = ports.find(p =>
    typeof wanted === 'number'
      ? p.port === wanted
      : p.name === wanted || String(p.port) === wanted,
  );
  if (!port) {
    throw new InputError(
      `${where}: connection.port: the Service ${serviceName} has no port ${wanted}`,
    );
  }
  const secretName =
    connection.secret !== undefined
      ? render(connection.secret, 'secret')
      : undefined;
  const secret = objects.find(
    o => o.kind === 'Secret' && o.metadata.name === secretName,
  );
  if (secretName !== undefined && !secret) {
    throw new InputError(
      `${where}: connection.secret: no Secret "${secretName}" is rendered`,
    );
  }
  const value = (field: 'user' | 'password' | 'database') =>
    connectionValue(connection[field], render, field, secret, where);
  const result: MiddlewareConnection = {
    host: `${serviceName}.${input.namespace}.svc`,
    port: port.port,
    service: serviceName,
  };
  for (const field of ['user', 'password', 'database'] as const) {
    const v = value(field);
    if (v) result[field] = v;
  }
  return result;
}
