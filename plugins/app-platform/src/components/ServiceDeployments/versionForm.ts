import { VersionSpec } from '@internal/plugin-app-platform-common';

/**
 * The "Deploy new version" form's fields, as text the way people type them.
 * Lists are one entry per line: ports `name:containerPort[:servicePort]`,
 * env `NAME=value` or `NAME=secret:<secret>/<key>` (the value then comes from
 * that Secret and never passes through the platform).
 */
export type VersionFormValues = {
  image: string;
  replicas: string;
  ports: string;
  env: string;
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
  routeHost: string;
  routePath: string;
  routeTlsSecret: string;
  proxyPort: string;
  logging: boolean;
  logSizeLimit: string;
  description: string;
};

/** Per field, what is wrong with it. */
export type VersionFormErrors = Partial<
  Record<keyof VersionFormValues, string>
>;

const PORT_LINE = /^([a-z0-9-]+):(\d+)(?::(\d+))?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const SECRET_VALUE = /^secret:([a-z0-9.-]+)\/([A-Za-z0-9._-]+)$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;
const HOST =
  /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The form filled from a version's spec; a service without one starts from a sensible first version. */
export function formFromSpec(spec?: VersionSpec): VersionFormValues {
  return {
    image: spec?.image ?? '',
    replicas: String(spec?.replicas ?? 1),
    ports: (spec?.ports ?? [{ name: 'http', containerPort: 8080 }])
      .map(p =>
        [
          p.name,
          p.containerPort,
          ...(p.servicePort !== undefined && p.servicePort !== p.containerPort
            ? [p.servicePort]
            : []),
        ].join(':'),
      )
      .join('\n'),
    env: (spec?.env ?? [])
      .map(e =>
        e.secretKeyRef
          ? `${e.name}=secret:${e.secretKeyRef.name}/${e.secretKeyRef.key}`
          : `${e.name}=${e.value ?? ''}`,
      )
      .join('\n'),
    cpuRequest: spec?.resources?.requests?.cpu ?? '',
    memoryRequest: spec?.resources?.requests?.memory ?? '',
    cpuLimit: spec?.resources?.limits?.cpu ?? '',
    memoryLimit: spec?.resources?.limits?.memory ?? '',
    routeHost: spec?.route?.host ?? '',
    routePath: spec?.route?.path ?? '',
    routeTlsSecret: spec?.route?.tlsSecret ?? '',
    proxyPort: spec?.sidecars?.proxy ? String(spec.sidecars.proxy.port) : '',
    logging: Boolean(spec?.sidecars?.logging),
    logSizeLimit: spec?.sidecars?.logging?.sizeLimit ?? '',
    description: '',
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
}

function resources(values: VersionFormValues, errors: VersionFormErrors) {
  const fields = [
    'cpuRequest',
    'memoryRequest',
    'cpuLimit',
    'memoryLimit',
  ] as const;
  for (const field of fields) {
    const value = values[field].trim();
    if (value && !QUANTITY.test(value)) {
      errors[
        field
      ] = `"${value}" is not a quantity (e.g. 250m, 0.5, 256Mi, 1Gi)`;
    }
  }
  const pick = (cpu: string, memory: string) => {
    const out: { cpu?: string; memory?: string } = {};
    if (cpu.trim()) out.cpu = cpu.trim();
    if (memory.trim()) out.memory = memory.trim();
    return Object.keys(out).length ? out : undefined;
  };
  const requests = pick(values.cpuRequest, values.memoryRequest);
  const limits = pick(values.cpuLimit, values.memoryLimit);
  return requests || limits
    ? { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) }
    : undefined;
}

/**
 * The spec the form describes, on top of `base` (the current version), so
 * what the form does not show (probes, config files, volumes, references,
 * template) is kept. Errors name the field and say what is allowed; the
 * backend checks everything again and names the field it refuses.
 */
export function specFromForm(
  values: VersionFormValues,
  base?: VersionSpec,
): { spec?: VersionSpec; errors: VersionFormErrors } {
  const errors: VersionFormErrors = {};
  const image = values.image.trim();
  if (!image)
    errors.image = 'An image is required, e.g. registry.example/shop/web:1.4.2';
  else if (/\s/.test(image)) errors.image = 'An image reference has no spaces';

  const replicas = Number(values.replicas);
  if (!/^\d+$/.test(values.replicas.trim()) || replicas > 1000) {
    errors.replicas = 'A whole number from 0 to 1000';
  }

  const ports: VersionSpec['ports'] = [];
  for (const line of lines(values.ports)) {
    const match = PORT_LINE.exec(line);
    if (!match) {
      errors.ports = `"${line}": write name:containerPort or name:containerPort:servicePort, e.g. http:8080:80`;
      break;
    }
    const [, name, container, servicePort] = match;
    const previous = base?.ports.find(p => p.name === name);
    ports.push({
      ...previous,
      name,
      containerPort: Number(container),
      ...(servicePort
        ? { servicePort: Number(servicePort) }
        : { servicePort: undefined }),
    });
  }
  if (!errors.ports) {
    const bad = ports.find(
      p =>
        p.containerPort < 1 ||
        p.containerPort > 65535 ||
        (p.servicePort ?? 1) < 1 ||
        (p.servicePort ?? 1) > 65535,
    );
    if (bad) errors.ports = `Port "${bad.name}": ports are 1 to 65535`;
  }

  const env: NonNullable<VersionSpec['env']> = [];
  for (const line of lines(values.env)) {
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq) : line;
    if (eq <= 0 || !ENV_NAME.test(name)) {
      errors.env = `"${line}": write NAME=value or NAME=secret:<secret>/<key>`;
      break;
    }
    const value = line.slice(eq + 1);
    const secret = SECRET_VALUE.exec(value);
    env.push(
      secret
        ? { name, secretKeyRef: { name: secret[1], key: secret[2] } }
        : { name, value },
    );
  }

  const resourceSpec = resources(values, errors);

  const host = values.routeHost.trim();
  if (host && !HOST.test(host))
    errors.routeHost = `"${host}" is not a DNS host name`;
  const path = values.routePath.trim();
  if (path && !path.startsWith('/')) errors.routePath = 'A path starts with /';
  if (!host && (path || values.routeTlsSecret.trim())) {
    errors.routeHost = 'A route needs a host';
  }

  const proxyPort = values.proxyPort.trim();
  if (
    proxyPort &&
    (!/^\d+$/.test(proxyPort) ||
      Number(proxyPort) < 1 ||
      Number(proxyPort) > 65535)
  ) {
    errors.proxyPort = 'A port from 1 to 65535, or empty for no proxy';
  }
  const sizeLimit = values.logSizeLimit.trim();
  if (sizeLimit && !QUANTITY.test(sizeLimit)) {
    errors.logSizeLimit = `"${sizeLimit}" is not a size (e.g. 512Mi)`;
  }

  if (Object.keys(errors).length > 0) return { errors };

  const spec: VersionSpec = {
    ...base,
    image,
    replicas,
    ports: ports.map(p => JSON.parse(JSON.stringify(p))),
  };
  if (env.length) spec.env = env;
  else delete spec.env;
  if (resourceSpec) spec.resources = resourceSpec;
  else delete spec.resources;
  if (host) {
    spec.route = {
      ...base?.route,
      host,
      ...(path ? { path } : { path: undefined }),
      ...(values.routeTlsSecret.trim()
        ? { tlsSecret: values.routeTlsSecret.trim() }
        : { tlsSecret: undefined }),
    };
    spec.route = JSON.parse(JSON.stringify(spec.route));
  } else delete spec.route;
  const sidecars: NonNullable<VersionSpec['sidecars']> = {};
  if (proxyPort)
    sidecars.proxy = { ...base?.sidecars?.proxy, port: Number(proxyPort) };
  if (values.logging) {
    sidecars.logging = { ...base?.sidecars?.logging };
    if (sizeLimit) sidecars.logging.sizeLimit = sizeLimit;
    else delete sidecars.logging.sizeLimit;
  }
  if (Object.keys(sidecars).length) spec.sidecars = sidecars;
  else delete spec.sidecars;
  return { spec, errors };
}
