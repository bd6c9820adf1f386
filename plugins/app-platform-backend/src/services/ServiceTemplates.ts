import { parseQuantity } from '../kube/parseQuantity';
import { findPaths } from '@backstage/cli-common';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  imageReferenceProblem,
  isDnsLabel,
  isDnsSubdomain,
  validateResources,
} from './validateVersionSpec';

type ResourceList = { cpu?: string; memory?: string };
type Resources = { requests?: ResourceList; limits?: ResourceList };

/**
 * A parsed service template: the defaults and platform policy that a
 * version's spec does not decide. See templates/services/README.md.
 */
export type ServiceTemplate = {
  name: string;
  description?: string;
  /** Extra labels on every object and on the pods. */
  labels: Record<string, string>;
  /** Extra annotations on every object. */
  annotations: Record<string, string>;
  /** Extra annotations on the pods. */
  podAnnotations: Record<string, string>;
  deployment: {
    revisionHistoryLimit: number;
    progressDeadlineSeconds: number;
    minReadySeconds?: number;
    strategy: { maxSurge: string | number; maxUnavailable: string | number };
  };
  /** Per resource (cpu, memory): used when the spec says nothing about it. */
  defaultResources: Resources;
  /** The pod's securityContext. */
  securityContext: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    fsGroup?: number;
    seccompProfile?: { type: 'RuntimeDefault' | 'Unconfined' };
  };
  /** Every container's securityContext. */
  containerSecurityContext: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  ingress: { className?: string; annotations: Record<string, string> };
  sidecars: {
    proxy: { image: string; resources: Resources };
    logging: {
      image: string;
      path: string;
      sizeLimit: string;
      maxFileSize: string;
      maxFiles: number;
      resources: Resources;
    };
  };
};

/** By default, the templates/services folder at the root of the repository. */
function defaultDirectory(): string {
  // eslint-disable-next-line no-restricted-syntax
  return findPaths(__dirname).resolveTargetRoot('templates/services');
}

// Labels and annotations the renderer sets itself; a template must not
// change what the platform relies on to find its objects.
const RESERVED_KEYS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/managed-by',
  'backstage.io/kubernetes-id',
];
const RESERVED_PREFIX = 'app-platform.io/';
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const INT_OR_PERCENT = /^[0-9]{1,3}%$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `over` into `base`: objects key by key, everything else (arrays
 * included) replaced; `null` removes the key.
 */
export function deepMerge(base: Json, over: Json): Json {
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) {
      delete result[key];
    } else if (isObject(value) && isObject(result[key])) {
      result[key] = deepMerge(result[key] as Json, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** Checks a whole template (after merging) by hand; errors name the key. */
class TemplateChecker {
  constructor(private readonly where: string) {}

  fail(key: string, message: string): never {
    throw new InputError(`${this.where}: ${key}: ${message}`);
  }

  object(value: unknown, key: string, keys: string[]): Json {
    if (!isObject(value)) this.fail(key, 'must be a mapping');
    for (const k of Object.keys(value)) {
      if (!keys.includes(k)) this.fail(key ? `${key}.${k}` : k, 'unknown key');
    }
    return value;
  }

  string(value: unknown, key: string): string {
    if (typeof value !== 'string' || value.length === 0) {
      this.fail(key, 'must be a non-empty string');
    }
    return value;
  }

  integer(value: unknown, key: string, min: number, max: number): number {
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < min ||
      value > max
    ) {
      this.fail(key, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  boolean(value: unknown, key: string): boolean {
    if (typeof value !== 'boolean') this.fail(key, 'must be true or false');
    return value;
  }

  optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
    return value === undefined ? undefined : check(value);
  }

  image(value: unknown, key: string): string {
    const s = this.string(value, key);
    const problem = imageReferenceProblem(s);
    if (problem) this.fail(key, problem);
    return s;
  }

  quantity(value: unknown, key: string): string {
    const s =
      typeof value === 'number' ? String(value) : this.string(value, key);
    const parsed = parseQuantity(s);
    if (parsed === undefined || !(parsed > 0)) {
      this.fail(key, `"${s}" is not a positive Kubernetes quantity`);
    }
    return s;
  }

  resources(value: unknown, key: string): Resources {
    // YAML reads `cpu: 1` as a number; Kubernetes takes either.
    const stringify = (v: unknown): unknown => {
      if (isObject(v)) {
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [k, stringify(x)]),
        );
      }
      return typeof v === 'number' ? String(v) : v;
    };
    try {
      return validateResources(stringify(value ?? {}), key);
    } catch (error) {
      throw new InputError(`${this.where}: ${(error as Error).message}`);
    }
  }

  metadataMap(
    value: unknown,
    key: string,
    kind: 'label' | 'annotation',
  ): Record<string, string> {
    if (value === undefined) return {};
    if (!isObject(value)) this.fail(key, 'must be a mapping');
    const result: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      const slash = k.indexOf('/');
      const prefix = slash >= 0 ? k.slice(0, slash) : undefined;
      const name = slash >= 0 ? k.slice(slash + 1) : k;
      if (
        (prefix !== undefined && !isDnsSubdomain(prefix)) ||
        name.length > 63 ||
        !QUALIFIED_NAME.test(name)
      ) {
        this.fail(`${key}.${k}`, `"${k}" is not a valid ${kind} key`);
      }
      if (RESERVED_KEYS.includes(k) || k.startsWith(RESERVED_PREFIX)) {
        this.fail(`${key}.${k}`, `"${k}" is set by the platform`);
      }
      if (typeof v !== 'string') {
        this.fail(
          `${key}.${k}`,
          `must be a string (quote numbers and booleans)`,
        );
      }
      if (kind === 'label' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        this.fail(`${key}.${k}`, `"${v}" is not a valid label value`);
      }
      result[k] = v;
    }
    return result;
  }

  intOrPercent(value: unknown, key: string): string | number {
    if (typeof value === 'number') return this.integer(value, key, 0, 1000);
    if (typeof value !== 'string' || !INT_OR_PERCENT.test(value)) {
      this.fail(key, 'must be an integer or a percentage like 25%');
    }
    return value;
  }

  template(name: string, value: unknown): ServiceTemplate {
    const t = this.object(value, '', [
      'description',
      'labels',
      'annotations',
      'podAnnotations',
      'deployment',
      'defaultResources',
      'securityContext',
      'containerSecurityContext',
      'ingress',
      'sidecars',
    ]);
    const d = this.object(t.deployment, 'deployment', [
      'revisionHistoryLimit',
      'progressDeadlineSeconds',
      'minReadySeconds',
      'strategy',
    ]);
    const strategy = this.object(d.strategy, 'deployment.strategy', [
      'maxSurge',
      'maxUnavailable',
    ]);
    const maxSurge = this.intOrPercent(
      strategy.maxSurge,
      'deployment.strategy.maxSurge',
    );
    const maxUnavailable = this.intOrPercent(
      strategy.maxUnavailable,
      'deployment.strategy.maxUnavailable',
    );
    if (
      parseInt(String(maxSurge), 10) + parseInt(String(maxUnavailable), 10) ===
      0
    ) {
      this.fail(
        'deployment.strategy',
        'maxSurge and maxUnavailable cannot both be 0',
      );
    }
    const progressDeadlineSeconds = this.integer(
      d.progressDeadlineSeconds,
      'deployment.progressDeadlineSeconds',
      1,
      86400,
    );
    const minReadySeconds = this.optional(d.minReadySeconds, v =>
      this.integer(v, 'deployment.minReadySeconds', 0, 3600),
    );
    if (
      minReadySeconds !== undefined &&
      minReadySeconds >= progressDeadlineSeconds
    ) {
      this.fail(
        'deployment.minReadySeconds',
        'must be less than progressDeadlineSeconds',
      );
    }
    const sc = this.object(t.securityContext ?? {}, 'securityContext', [
      'runAsNonRoot',
      'runAsUser',
      'runAsGroup',
      'fsGroup',
      'seccompProfile',
    ]);
    const csc = this.object(
      t.containerSecurityContext ?? {},
      'containerSecurityContext',
      ['allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'capabilities'],
    );
    const ingress = this.object(t.ingress ?? {}, 'ingress', [
      'className',
      'annotations',
    ]);
    const sidecars = this.object(t.sidecars, 'sidecars', ['proxy', 'logging']);
    const proxy = this.object(sidecars.proxy, 'sidecars.proxy', [
      'image',
      'resources',
    ]);
    const logging = this.object(sidecars.logging, 'sidecars.logging', [
      'image',
      'path',
      'sizeLimit',
      'maxFileSize',
      'maxFiles',
      'resources',
    ]);
    const logPath = this.string(logging.path, 'sidecars.logging.path');
    if (
      !/^\/[^\s:]*[^/\s:]$/.test(logPath) ||
      logPath.split('/').includes('..')
    ) {
      this.fail(
        'sidecars.logging.path',
        'must be an absolute path without ".."',
      );
    }
    const uid = (v: unknown, key: string) =>
      this.integer(v, key, 0, 2147483647);
    return {
      name,
      ...(t.description !== undefined
        ? { description: this.string(t.description, 'description') }
        : {}),
      labels: this.metadataMap(t.labels, 'labels', 'label'),
      annotations: this.metadataMap(t.annotations, 'annotations', 'annotation'),
      podAnnotations: this.metadataMap(
        t.podAnnotations,
        'podAnnotations',
        'annotation',
      ),
      deployment: {
        revisionHistoryLimit: this.integer(
          d.revisionHistoryLimit,
          'deployment.revisionHistoryLimit',
          0,
          100,
        ),
        progressDeadlineSeconds,
        ...(minReadySeconds !== undefined ? { minReadySeconds } : {}),
        strategy: { maxSurge, maxUnavailable },
      },
      defaultResources: this.resources(t.defaultResources, 'defaultResources'),
      securityContext: compact({
        runAsNonRoot: this.optional(sc.runAsNonRoot, v =>
          this.boolean(v, 'securityContext.runAsNonRoot'),
        ),
        runAsUser: this.optional(sc.runAsUser, v =>
          uid(v, 'securityContext.runAsUser'),
        ),
        runAsGroup: this.optional(sc.runAsGroup, v =>
          uid(v, 'securityContext.runAsGroup'),
        ),
        fsGroup: this.optional(sc.fsGroup, v =>
          uid(v, 'securityContext.fsGroup'),
        ),
        seccompProfile: this.optional(sc.seccompProfile, v => {
          const p = this.object(v, 'securityContext.seccompProfile', ['type']);
          if (p.type !== 'RuntimeDefault' && p.type !== 'Unconfined') {
            this.fail(
              'securityContext.seccompProfile.type',
              'must be RuntimeDefault or Unconfined',
            );
          }
          return { type: p.type };
        }),
      }),
      containerSecurityContext: compact({
        allowPrivilegeEscalation: this.optional(
          csc.allowPrivilegeEscalation,
          v =>
            this.boolean(
              v,
              'containerSecurityContext.allowPrivilegeEscalation',
            ),
        ),
        readOnlyRootFilesystem: this.optional(csc.readOnlyRootFilesystem, v =>
          this.boolean(v, 'containerSecurityContext.readOnlyRootFilesystem'),
        ),
        capabilities: this.optional(csc.capabilities, v => {
          const key = 'containerSecurityContext.capabilities';
          const c = this.object(v, key, ['drop']);
          if (
            c.drop !== undefined &&
            (!Array.isArray(c.drop) ||
              !c.drop.every(x => typeof x === 'string' && /^[A-Z_]+$/.test(x)))
          ) {
            this.fail(`${key}.drop`, 'must be a list of capability names');
          }
          return compact({ drop: c.drop as string[] | undefined });
        }),
      }),
      ingress: compact({
        className: this.optional(ingress.className, v => {
          const s = this.string(v, 'ingress.className');
          if (!isDnsSubdomain(s))
            this.fail('ingress.className', 'must be a DNS-1123 subdomain');
          return s;
        }),
        annotations: this.metadataMap(
          ingress.annotations,
          'ingress.annotations',
          'annotation',
        ),
      }),
      sidecars: {
        proxy: {
          image: this.image(proxy.image, 'sidecars.proxy.image'),
          resources: this.resources(
            proxy.resources,
            'sidecars.proxy.resources',
          ),
        },
        logging: {
          image: this.image(logging.image, 'sidecars.logging.image'),
          path: logPath,
          sizeLimit: this.quantity(
            logging.sizeLimit,
            'sidecars.logging.sizeLimit',
          ),
          maxFileSize: this.quantity(
            logging.maxFileSize,
            'sidecars.logging.maxFileSize',
          ),
          maxFiles: this.integer(
            logging.maxFiles,
            'sidecars.logging.maxFiles',
            1,
            100,
          ),
          resources: this.resources(
            logging.resources,
            'sidecars.logging.resources',
          ),
        },
      },
    };
  }
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

function readYaml(text: string, where: string): Json {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new InputError(
      `${where}: not valid YAML: ${(error as Error).message}`,
    );
  }
  if (document === null || document === undefined) return {};
  if (!isObject(document)) {
    throw new InputError(`${where}: must be a mapping of template keys`);
  }
  return document;
}

/**
 * The service templates: `templates/services/<name>.yaml`, read once at
 * start-up. Every template but `default` extends `default` (its keys
 * deep-merged over default's), and so do application templates kept in the
 * database, which `withApplicationTemplates` puts in front of these.
 */
export class ServiceTemplates {
  private constructor(
    private readonly base: Json,
    private readonly templates: Map<string, ServiceTemplate>,
  ) {}

  static fromConfig(config: Config): ServiceTemplates {
    const configured = config.getOptionalString(
      'appPlatform.serviceTemplates.directory',
    );
    const directory = configured
      ? path.resolve(configured)
      : defaultDirectory();
    const sources = new Map<string, { text: string; where: string }>();
    for (const file of fs.readdirSync(directory).sort()) {
      if (/\.ya?ml$/.test(file)) {
        const where = path.join(directory, file);
        sources.set(file.replace(/\.ya?ml$/, ''), {
          text: fs.readFileSync(where, 'utf8'),
          where,
        });
      }
    }
    return ServiceTemplates.fromSources(sources, directory);
  }

  /** From YAML texts by template name (`default` is required). */
  static fromYaml(texts: Record<string, string>): ServiceTemplates {
    return ServiceTemplates.fromSources(
      new Map(
        Object.entries(texts).map(([name, text]) => [
          name,
          { text, where: `service template "${name}"` },
        ]),
      ),
      'the given templates',
    );
  }

  private static fromSources(
    sources: Map<string, { text: string; where: string }>,
    from: string,
  ): ServiceTemplates {
    const defaultSource = sources.get('default');
    if (!defaultSource) {
      throw new Error(`No "default" service template in ${from}`);
    }
    const base = readYaml(defaultSource.text, defaultSource.where);
    const templates = new Map<string, ServiceTemplate>();
    for (const [name, source] of sources) {
      if (!isDnsLabel(name)) {
        throw new InputError(
          `${source.where}: the template name "${name}" is not a DNS-1123 label`,
        );
      }
      templates.set(name, parseOver(base, name, source.text, source.where));
    }
    return new ServiceTemplates(base, templates);
  }

  /**
   * Parses an application template: its keys deep-merged over `default`'s,
   * then checked as a whole. Throws InputError naming the key.
   */
  parse(name: string, yamlText: string): ServiceTemplate {
    if (!isDnsLabel(name)) {
      throw new InputError(
        `service template "${name}": the name is not a DNS-1123 label`,
      );
    }
    return parseOver(this.base, name, yamlText, `service template "${name}"`);
  }

  names(): string[] {
    return [...this.templates.keys()];
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  get(name: string): ServiceTemplate {
    const template = this.templates.get(name);
    if (!template) {
      throw new InputError(
        `service template "${name}" does not exist; known: ${this.names().join(
          ', ',
        )}`,
      );
    }
    return template;
  }

  /** These templates with an application's own in front (same name wins). */
  withApplicationTemplates(
    extra: ReadonlyMap<string, ServiceTemplate>,
  ): ServiceTemplates {
    const merged = new Map(extra);
    for (const [name, template] of this.templates) {
      if (!merged.has(name)) merged.set(name, template);
    }
    return new ServiceTemplates(this.base, merged);
  }
}

function parseOver(
  base: Json,
  name: string,
  text: string,
  where: string,
): ServiceTemplate {
  const own = readYaml(text, where);
  return new TemplateChecker(where).template(name, deepMerge(base, own));
}
