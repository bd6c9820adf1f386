import { parseQuantity } from '../kube/parseQuantity';
import { InputError } from '@backstage/errors';
import {
  ServiceExposure,
  VersionConfigFile,
  VersionEnvVar,
  VersionPort,
  VersionProbe,
  VersionBinding,
  VersionReference,
  VersionSidecars,
  VersionSpec,
  VersionVolume,
} from '@internal/plugin-app-platform-common';

const KiB = 1024;
/** A single env value; larger values belong in a config file or a Secret. */
export const MAX_ENV_VALUE_BYTES = 32 * KiB;
/** The spec without its config files' contents (those have their own limit). */
export const MAX_SPEC_BYTES = 256 * KiB;
/** All config files together; they share one ConfigMap (1 MiB at most). */
export const MAX_CONFIG_BYTES = 512 * KiB;

export const DEFAULT_CONFIG_MOUNT_PATH = '/etc/config';
export const DEFAULT_LOG_PATH = '/var/log/app';
/** Pod volume names the renderer uses itself. */
export const RESERVED_VOLUME_NAMES = ['config', 'logs'];

const SERVICE_TYPES: ServiceExposure[] = [
  'ClusterIP',
  'NodePort',
  'LoadBalancer',
  'ExternalName',
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const FILE_NAME = /^[A-Za-z0-9._-]+$/;
// Docker's reference grammar (distribution/reference), without IPv6 hosts.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_IMAGE_LENGTH = 512;
const MAX_IMAGE_NAME_LENGTH = 255;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Why an image reference is not valid, or undefined when it is. */
export function imageReferenceProblem(image: string): string | undefined {
  if (image.length === 0) return 'must not be empty';
  if (image.length > MAX_IMAGE_LENGTH) {
    return `must be at most ${MAX_IMAGE_LENGTH} characters`;
  }
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!DIGEST.test(rest.slice(at + 1))) {
      return `"${image}" has an invalid digest (expected @sha256:<64 hex digits>)`;
    }
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    if (!TAG.test(rest.slice(colon + 1))) {
      return `"${image}" has an invalid tag (letters, digits, _, . and -, at most 128, not starting with . or -)`;
    }
    rest = rest.slice(0, colon);
  }
  if (rest.length > MAX_IMAGE_NAME_LENGTH) {
    return `the repository name must be at most ${MAX_IMAGE_NAME_LENGTH} characters`;
  }
  const components = rest.split('/');
  const first = components[0];
  // As in Docker: the first component is a registry host when it looks like one.
  if (
    components.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  ) {
    if (!DOMAIN.test(first)) {
      return `"${image}" has an invalid registry host "${first}"`;
    }
    components.shift();
  }
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      return `"${image}" is not a valid image reference: repository path components are lower case letters and digits separated by ".", "_", "__" or "-"`;
    }
  }
  return undefined;
}

function fail(path: string, message: string): never {
  throw new InputError(`${path}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (Object.getPrototypeOf(value) === Object.prototype ||
      Object.getPrototypeOf(value) === null)
  );
}

function object(
  value: unknown,
  path: string,
  keys: readonly string[],
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    fail(path, `must be an object, not ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      fail(`${path}.${key}`, 'unknown field');
    }
  }
  return value;
}

function array(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value)) {
    fail(path, `must be an array, not ${describe(value)}`);
  }
  if (value.length > max) fail(path, `must have at most ${max} items`);
  return value;
}

function string(
  value: unknown,
  path: string,
  options: { max?: number; allowEmpty?: boolean } = {},
): string {
  if (typeof value !== 'string') {
    fail(path, `must be a string, not ${describe(value)}`);
  }
  if (!options.allowEmpty && value.length === 0) {
    fail(path, 'must not be empty');
  }
  if (options.max !== undefined && value.length > options.max) {
    fail(path, `must be at most ${options.max} characters`);
  }
  return value;
}

function integer(
  value: unknown,
  path: string,
  min: number,
  max: number,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    fail(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function dnsLabel(value: unknown, path: string): string {
  const s = string(value, path);
  if (!isDnsLabel(s)) {
    fail(
      path,
      `"${s}" is not a DNS-1123 label (lower case letters, digits and "-", starting and ending with a letter or digit, at most 63)`,
    );
  }
  return s;
}

function dnsSubdomain(value: unknown, path: string): string {
  const s = string(value, path);
  if (!isDnsSubdomain(s)) {
    fail(
      path,
      `"${s}" is not a DNS-1123 subdomain (dot-separated lower case labels, at most 253)`,
    );
  }
  return s;
}

function imageField(value: unknown, path: string): string {
  const s = string(value, path, { allowEmpty: true });
  const problem = imageReferenceProblem(s);
  if (problem) fail(path, problem);
  return s;
}

function quantity(
  value: unknown,
  path: string,
  options: { memory?: boolean } = {},
): string {
  const s = string(value, path, { max: 64 });
  const parsed = parseQuantity(s);
  if (parsed === undefined) {
    fail(
      path,
      `"${s}" is not a Kubernetes quantity (e.g. ${
        options.memory ? '128Mi, 1G' : '100m, 0.5, 2'
      })`,
    );
  }
  if (!(parsed > 0)) fail(path, `"${s}" must be greater than zero`);
  // Millibytes are valid Kubernetes but almost always a typo for Mi.
  if (options.memory && /m$/.test(s)) {
    fail(path, `"${s}" is in millibytes; did you mean "${s}i"?`);
  }
  return s;
}

function absolutePath(value: unknown, path: string): string {
  const s = string(value, path, { max: 1024 });
  if (!s.startsWith('/')) fail(path, `"${s}" must be an absolute path`);
  if (s === '/') fail(path, 'must not be the root directory');
  if (s.split('/').some(segment => segment === '..' || segment === '.')) {
    fail(path, `"${s}" must not contain "." or ".." segments`);
  }
  if (/[\s:\\]/.test(s) || s.includes('//')) {
    fail(path, `"${s}" must not contain whitespace, ":", "\\" or "//"`);
  }
  return s.replace(/\/$/, '');
}

function httpPath(value: unknown, path: string): string {
  const s = string(value, path, { max: 1024 });
  if (!s.startsWith('/')) fail(path, `"${s}" must start with "/"`);
  if (/[\s{}|\\^`"<>]/.test(s)) {
    fail(path, `"${s}" must not contain whitespace or any of {}|\\^\`"<>`);
  }
  return s;
}

function isWithin(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Copies an object without its undefined fields, keeping the key order given. */
function compact<T extends object>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) result[key] = v;
  }
  return result as T;
}

function optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

function validatePorts(
  value: unknown,
  path: string,
  serviceType: ServiceExposure,
): VersionPort[] {
  const ports = array(value, path, 100).map((item, i) => {
    const p = `${path}[${i}]`;
    const port = object(item, p, [
      'name',
      'containerPort',
      'servicePort',
      'protocol',
      'nodePort',
    ]);
    const name = string(port.name, `${p}.name`, { max: 15 });
    if (
      !IANA_SVC_NAME.test(name) ||
      !/[a-z]/.test(name) ||
      name.includes('--')
    ) {
      fail(
        `${p}.name`,
        `"${name}" is not an IANA service name (at most 15 lower case letters, digits and "-", with a letter, no leading, trailing or double "-")`,
      );
    }
    const protocol = optional(port.protocol, v => {
      if (v !== 'TCP' && v !== 'UDP') {
        fail(`${p}.protocol`, 'must be TCP or UDP');
      }
      return v;
    });
    const nodePort = optional(port.nodePort, v =>
      integer(v, `${p}.nodePort`, 30000, 32767),
    );
    if (
      nodePort !== undefined &&
      serviceType !== 'NodePort' &&
      serviceType !== 'LoadBalancer'
    ) {
      fail(
        `${p}.nodePort`,
        `only with serviceType NodePort or LoadBalancer, not ${serviceType}`,
      );
    }
    return compact<VersionPort>({
      name,
      containerPort: integer(
        port.containerPort,
        `${p}.containerPort`,
        1,
        65535,
      ),
      servicePort: optional(port.servicePort, v =>
        integer(v, `${p}.servicePort`, 1, 65535),
      ),
      protocol,
      nodePort,
    });
  });
  const seen = {
    names: new Set<string>(),
    container: new Set<string>(),
    service: new Set<string>(),
    node: new Set<number>(),
  };
  ports.forEach((port, i) => {
    const p = `${path}[${i}]`;
    const protocol = port.protocol ?? 'TCP';
    if (seen.names.has(port.name)) {
      fail(`${p}.name`, `duplicate port name "${port.name}"`);
    }
    seen.names.add(port.name);
    const container = `${port.containerPort}/${protocol}`;
    if (seen.container.has(container)) {
      fail(`${p}.containerPort`, `duplicate containerPort ${container}`);
    }
    seen.container.add(container);
    const service = `${port.servicePort ?? port.containerPort}/${protocol}`;
    if (seen.service.has(service)) {
      fail(
        `${p}.${port.servicePort ? 'servicePort' : 'containerPort'}`,
        `duplicate service port ${service}`,
      );
    }
    seen.service.add(service);
    if (port.nodePort !== undefined) {
      if (seen.node.has(port.nodePort)) {
        fail(`${p}.nodePort`, `duplicate nodePort ${port.nodePort}`);
      }
      seen.node.add(port.nodePort);
    }
  });
  if (ports.length === 0 && serviceType !== 'ExternalName') {
    fail(path, 'at least one port is required');
  }
  return ports;
}

function validateEnv(value: unknown, path: string): VersionEnvVar[] {
  const names = new Set<string>();
  return array(value, path, 500).map((item, i) => {
    const p = `${path}[${i}]`;
    const env = object(item, p, ['name', 'value', 'secretKeyRef']);
    const name = string(env.name, `${p}.name`, { max: 256 });
    if (!ENV_NAME.test(name)) {
      fail(
        `${p}.name`,
        `"${name}" is not a valid environment variable name (letters, digits, "_", "." and "-", not starting with a digit)`,
      );
    }
    if (names.has(name)) fail(`${p}.name`, `duplicate variable "${name}"`);
    names.add(name);
    if ((env.value === undefined) === (env.secretKeyRef === undefined)) {
      fail(p, 'exactly one of value and secretKeyRef is required');
    }
    const v = optional(env.value, x => {
      const s = string(x, `${p}.value`, { allowEmpty: true });
      if (byteLength(s) > MAX_ENV_VALUE_BYTES) {
        fail(
          `${p}.value`,
          `must be at most ${
            MAX_ENV_VALUE_BYTES / KiB
          } KiB; use a config file for larger values`,
        );
      }
      return s;
    });
    const secretKeyRef = optional(env.secretKeyRef, x => {
      const ref = object(x, `${p}.secretKeyRef`, ['name', 'key']);
      const key = string(ref.key, `${p}.secretKeyRef.key`, { max: 253 });
      if (!SECRET_KEY.test(key)) {
        fail(
          `${p}.secretKeyRef.key`,
          `"${key}" is not a valid Secret key (letters, digits, "-", "_" and ".")`,
        );
      }
      return {
        name: dnsSubdomain(ref.name, `${p}.secretKeyRef.name`),
        key,
      };
    });
    return compact<VersionEnvVar>({ name, value: v, secretKeyRef });
  });
}

type ResourceList = { cpu?: string; memory?: string };
type Resources = { requests?: ResourceList; limits?: ResourceList };

/** Validates `requests`/`limits` of cpu and memory; also used for templates. */
export function validateResources(value: unknown, path: string): Resources {
  const resources = object(value, path, ['requests', 'limits']);
  const list = (v: unknown, p: string): ResourceList => {
    const l = object(v, p, ['cpu', 'memory']);
    return compact<ResourceList>({
      cpu: optional(l.cpu, x => quantity(x, `${p}.cpu`)),
      memory: optional(l.memory, x =>
        quantity(x, `${p}.memory`, { memory: true }),
      ),
    });
  };
  const requests = optional(resources.requests, v =>
    list(v, `${path}.requests`),
  );
  const limits = optional(resources.limits, v => list(v, `${path}.limits`));
  for (const name of ['cpu', 'memory'] as const) {
    const request = requests?.[name];
    const limit = limits?.[name];
    if (
      request !== undefined &&
      limit !== undefined &&
      parseQuantity(request)! > parseQuantity(limit)!
    ) {
      fail(
        `${path}.requests.${name}`,
        `request ${request} is more than the limit ${limit}`,
      );
    }
  }
  return compact<Resources>({ requests, limits });
}

function validateProbe(
  value: unknown,
  path: string,
  ports: VersionPort[],
): VersionProbe {
  const probe = object(value, path, [
    'port',
    'path',
    'initialDelaySeconds',
    'periodSeconds',
    'failureThreshold',
  ]);
  let port: string | number;
  if (typeof probe.port === 'number') {
    port = integer(probe.port, `${path}.port`, 1, 65535);
  } else {
    port = string(probe.port, `${path}.port`);
    if (!ports.some(p => p.name === port)) {
      fail(
        `${path}.port`,
        `"${port}" is not one of the version's port names (${ports
          .map(p => p.name)
          .join(', ')})`,
      );
    }
  }
  return compact<VersionProbe>({
    port,
    path: optional(probe.path, v => httpPath(v, `${path}.path`)),
    initialDelaySeconds: optional(probe.initialDelaySeconds, v =>
      integer(v, `${path}.initialDelaySeconds`, 0, 3600),
    ),
    periodSeconds: optional(probe.periodSeconds, v =>
      integer(v, `${path}.periodSeconds`, 1, 3600),
    ),
    failureThreshold: optional(probe.failureThreshold, v =>
      integer(v, `${path}.failureThreshold`, 1, 100),
    ),
  });
}

function validateConfigFiles(
  value: unknown,
  path: string,
): VersionConfigFile[] {
  const names = new Set<string>();
  let total = 0;
  return array(value, path, 100).map((item, i) => {
    const p = `${path}[${i}]`;
    const file = object(item, p, ['name', 'content']);
    const name = string(file.name, `${p}.name`, { max: 253 });
    if (!FILE_NAME.test(name) || name === '.' || name === '..') {
      fail(
        `${p}.name`,
        `"${name}" is not a plain file name (letters, digits, ".", "-" and "_"; no "/", not "." or "..")`,
      );
    }
    if (names.has(name)) fail(`${p}.name`, `duplicate file name "${name}"`);
    names.add(name);
    const content = string(file.content, `${p}.content`, { allowEmpty: true });
    total += byteLength(content);
    if (total > MAX_CONFIG_BYTES) {
      fail(
        `${p}.content`,
        `the config files' contents together must be at most ${
          MAX_CONFIG_BYTES / KiB
        } KiB`,
      );
    }
    return { name, content };
  });
}

function validateVolumes(
  value: unknown,
  path: string,
  taken: Array<{ path: string; field: string }>,
): VersionVolume[] {
  const names = new Set<string>();
  const mounts = [...taken];
  return array(value, path, 20).map((item, i) => {
    const p = `${path}[${i}]`;
    const volume = object(item, p, [
      'name',
      'mountPath',
      'size',
      'storageClass',
    ]);
    const name = dnsLabel(volume.name, `${p}.name`);
    if (RESERVED_VOLUME_NAMES.includes(name)) {
      fail(`${p}.name`, `"${name}" is reserved for the platform's own volumes`);
    }
    if (names.has(name)) fail(`${p}.name`, `duplicate volume name "${name}"`);
    names.add(name);
    const mountPath = absolutePath(volume.mountPath, `${p}.mountPath`);
    const clash = mounts.find(m => isWithin(m.path, mountPath));
    if (clash) {
      fail(
        `${p}.mountPath`,
        `"${mountPath}" overlaps ${clash.field} ("${clash.path}")`,
      );
    }
    mounts.push({ path: mountPath, field: `${p}.mountPath` });
    return compact<VersionVolume>({
      name,
      mountPath,
      size: quantity(volume.size, `${p}.size`, { memory: true }),
      storageClass: optional(volume.storageClass, v =>
        dnsSubdomain(v, `${p}.storageClass`),
      ),
    });
  });
}

function validateRoute(
  value: unknown,
  path: string,
  ports: VersionPort[],
): NonNullable<VersionSpec['route']> {
  const route = object(value, path, ['host', 'path', 'tlsSecret', 'port']);
  const host = string(route.host, `${path}.host`, { max: 253 });
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (!isDnsSubdomain(bare) || !bare.split('.').every(isDnsLabel)) {
    fail(
      `${path}.host`,
      `"${host}" is not a DNS-1123 subdomain (a leading "*." is allowed)`,
    );
  }
  const port = optional(route.port, v => {
    const s = string(v, `${path}.port`);
    if (!ports.some(p => p.name === s)) {
      fail(`${path}.port`, `"${s}" is not one of the version's port names`);
    }
    return s;
  });
  const target = port ?? ports[0]?.name;
  if (target === undefined) fail(path, 'a route needs a port');
  if (ports.find(p => p.name === target)?.protocol === 'UDP') {
    fail(`${path}.port`, `port "${target}" is UDP; routes are HTTP`);
  }
  return compact({
    host,
    path: optional(route.path, v => httpPath(v, `${path}.path`)),
    tlsSecret: optional(route.tlsSecret, v =>
      dnsSubdomain(v, `${path}.tlsSecret`),
    ),
    port,
  });
}

function validateSidecars(
  value: unknown,
  path: string,
  ports: VersionPort[],
): VersionSidecars {
  const sidecars = object(value, path, ['proxy', 'logging']);
  const proxy = optional(sidecars.proxy, v => {
    const p = `${path}.proxy`;
    const x = object(v, p, ['image', 'port']);
    const port = integer(x.port, `${p}.port`, 1, 65535);
    if (ports.some(cp => cp.containerPort === port)) {
      fail(`${p}.port`, `${port} is already a container port`);
    }
    if (ports[0]?.protocol === 'UDP') {
      fail(p, 'the proxy forwards to the first port, which must be TCP');
    }
    return compact({
      image: optional(x.image, i => imageField(i, `${p}.image`)),
      port,
    });
  });
  const logging = optional(sidecars.logging, v => {
    const p = `${path}.logging`;
    const x = object(v, p, [
      'image',
      'path',
      'sizeLimit',
      'maxFileSize',
      'maxFiles',
    ]);
    const sizeLimit = optional(x.sizeLimit, s =>
      quantity(s, `${p}.sizeLimit`, { memory: true }),
    );
    const maxFileSize = optional(x.maxFileSize, s =>
      quantity(s, `${p}.maxFileSize`, { memory: true }),
    );
    if (
      sizeLimit !== undefined &&
      maxFileSize !== undefined &&
      parseQuantity(maxFileSize)! > parseQuantity(sizeLimit)!
    ) {
      fail(
        `${p}.maxFileSize`,
        `${maxFileSize} is more than the log volume's sizeLimit ${sizeLimit}`,
      );
    }
    return compact({
      image: optional(x.image, i => imageField(i, `${p}.image`)),
      path: optional(x.path, s => absolutePath(s, `${p}.path`)),
      sizeLimit,
      maxFileSize,
      maxFiles: optional(x.maxFiles, n => integer(n, `${p}.maxFiles`, 1, 100)),
    });
  });
  return compact<VersionSidecars>({ proxy, logging });
}

function validateReferences(value: unknown, path: string): VersionReference[] {
  const rendered = new Set<string>();
  return array(value, path, 100).map((item, i) => {
    const p = `${path}[${i}]`;
    const ref = object(item, p, ['application', 'service']);
    const application = dnsLabel(ref.application, `${p}.application`);
    const service = dnsLabel(ref.service, `${p}.service`);
    // It becomes a Service named <application>-<service> in this namespace.
    const name = `${application}-${service}`;
    if (name.length > 63) {
      fail(p, `the Service name "${name}" would be longer than 63 characters`);
    }
    // Service names are DNS-1035 labels: a digit cannot come first.
    if (!/^[a-z]/.test(name)) {
      fail(
        `${p}.application`,
        `the Service name "${name}" would not start with a letter`,
      );
    }
    if (rendered.has(name)) {
      fail(p, `duplicate reference (Service "${name}")`);
    }
    rendered.add(name);
    return { application, service };
  });
}

function validateBindings(value: unknown, path: string): VersionBinding[] {
  const seen = new Set<string>();
  return array(value, path, 20).map((item, i) => {
    const p = `${path}[${i}]`;
    const binding = object(item, p, ['instance']);
    const instance = dnsLabel(binding.instance, `${p}.instance`);
    if (seen.has(instance)) fail(p, `duplicate binding of "${instance}"`);
    seen.add(instance);
    return { instance };
  });
}

const SPEC_KEYS = [
  'image',
  'replicas',
  'serviceType',
  'externalName',
  'ports',
  'command',
  'args',
  'env',
  'resources',
  'probes',
  'configFiles',
  'configMountPath',
  'volumes',
  'route',
  'sidecars',
  'references',
  'bindings',
  'template',
] as const;

/** What an ExternalName service cannot have: it runs no pods. */
const POD_ONLY_KEYS = [
  'command',
  'args',
  'env',
  'resources',
  'probes',
  'configFiles',
  'configMountPath',
  'volumes',
  'sidecars',
  'bindings',
] as const;

/**
 * Checks a version's spec beyond its JSON schema (safe on any input) and
 * returns a copy with only the known fields, in a stable key order. Defaults
 * are left to the renderer, so a stored spec says only what its author said.
 * Throws InputError whose message starts with the offending field's path.
 */
export function validateVersionSpec(
  spec: unknown,
  field = 'spec',
): VersionSpec {
  const s = object(spec, field, SPEC_KEYS);
  const serviceType = optional(s.serviceType, v => {
    if (!SERVICE_TYPES.includes(v as ServiceExposure)) {
      fail(
        `${field}.serviceType`,
        `must be one of ${SERVICE_TYPES.join(', ')}`,
      );
    }
    return v as ServiceExposure;
  });
  const type = serviceType ?? 'ClusterIP';
  const externalName = optional(s.externalName, v =>
    dnsSubdomain(v, `${field}.externalName`),
  );
  if (type === 'ExternalName') {
    if (externalName === undefined) {
      fail(`${field}.externalName`, 'required with serviceType ExternalName');
    }
    for (const key of POD_ONLY_KEYS) {
      const v = s[key];
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
        fail(
          `${field}.${key}`,
          'not allowed with serviceType ExternalName, which runs no pods',
        );
      }
    }
  } else if (externalName !== undefined) {
    fail(`${field}.externalName`, 'only with serviceType ExternalName');
  }

  const ports = validatePorts(s.ports, `${field}.ports`, type);
  const strings = (v: unknown, p: string) =>
    array(v, p, 256).map((x, i) =>
      string(x, `${p}[${i}]`, { allowEmpty: true, max: 32 * KiB }),
    );
  const configFiles = optional(s.configFiles, v =>
    validateConfigFiles(v, `${field}.configFiles`),
  );
  const configMountPath = optional(s.configMountPath, v =>
    absolutePath(v, `${field}.configMountPath`),
  );
  const sidecars = optional(s.sidecars, v =>
    validateSidecars(v, `${field}.sidecars`, ports),
  );

  // Mount points the volumes must stay clear of.
  const taken: Array<{ path: string; field: string }> = [];
  if (configFiles?.length) {
    taken.push({
      path: configMountPath ?? DEFAULT_CONFIG_MOUNT_PATH,
      field: configMountPath ? `${field}.configMountPath` : 'the config files',
    });
  }
  if (sidecars?.logging) {
    const logPath = sidecars.logging.path ?? DEFAULT_LOG_PATH;
    const clash = taken.find(t => isWithin(t.path, logPath));
    if (clash) {
      fail(
        `${field}.sidecars.logging.path`,
        `"${logPath}" overlaps ${clash.field} ("${clash.path}")`,
      );
    }
    taken.push({
      path: logPath,
      field: sidecars.logging.path
        ? `${field}.sidecars.logging.path`
        : 'the log path',
    });
  }

  const result = compact<VersionSpec>({
    image: imageField(s.image, `${field}.image`),
    replicas: integer(s.replicas, `${field}.replicas`, 0, 1000),
    serviceType,
    externalName,
    ports,
    command: optional(s.command, v => strings(v, `${field}.command`)),
    args: optional(s.args, v => strings(v, `${field}.args`)),
    env: optional(s.env, v => validateEnv(v, `${field}.env`)),
    resources: optional(s.resources, v =>
      validateResources(v, `${field}.resources`),
    ),
    probes: optional(s.probes, v => {
      const probes = object(v, `${field}.probes`, ['readiness', 'liveness']);
      return compact({
        readiness: optional(probes.readiness, x =>
          validateProbe(x, `${field}.probes.readiness`, ports),
        ),
        liveness: optional(probes.liveness, x =>
          validateProbe(x, `${field}.probes.liveness`, ports),
        ),
      });
    }),
    configFiles,
    configMountPath,
    volumes: optional(s.volumes, v =>
      validateVolumes(v, `${field}.volumes`, taken),
    ),
    route: optional(s.route, v => validateRoute(v, `${field}.route`, ports)),
    sidecars,
    references: optional(s.references, v =>
      validateReferences(v, `${field}.references`),
    ),
    bindings: optional(s.bindings, v =>
      validateBindings(v, `${field}.bindings`),
    ),
    template: optional(s.template, v => dnsLabel(v, `${field}.template`)),
  });

  const size = byteLength(
    JSON.stringify({
      ...result,
      configFiles: result.configFiles?.map(f => f.name),
    }),
  );
  if (size > MAX_SPEC_BYTES) {
    fail(
      field,
      `is ${Math.ceil(size / KiB)} KiB without its config files; at most ${
        MAX_SPEC_BYTES / KiB
      } KiB`,
    );
  }
  return result;
}
