import type { ApplicationState } from './states';
import type {
  DeploymentRecord,
  MiddlewareParameters,
  ServiceClusterStatus,
} from './services';

/**
 * The app store's shelves.
 *
 * @public
 */
export type MiddlewareCategory =
  | 'database'
  | 'cache'
  | 'queue'
  | 'coordination'
  | 'gateway';

/**
 * A middleware definition as the API lists it: what the App Store shows and
 * the JSON Schema its install form is built from.
 *
 * @public
 */
export type MiddlewareDefinitionSummary = {
  name: string;
  title: string;
  description: string;
  /** A `data:` URL. */
  icon: string;
  category: MiddlewareCategory;
  /** Maintained versions, newest first. */
  versions: string[];
  defaultVersion: string;
  /** Resources per size, smallest first. */
  sizes: Array<{
    name: 'small' | 'medium' | 'large';
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  }>;
  /** JSON Schema (draft 7) of the parameters, with their defaults. */
  parametersSchema: Record<string, unknown>;
  /** sha256 over the definition's files: an instance rendered from another digest has an update. */
  digest: string;
};

/**
 * The definitions, and those that could not be read with the reason.
 *
 * @public
 */
export type MiddlewareDefinitionList = {
  items: MiddlewareDefinitionSummary[];
  problems: Array<{ name: string; message: string }>;
};

/**
 * What installing a definition would create, rendered with the given
 * parameters but applied nowhere. Secret values and passwords are redacted.
 *
 * @public
 */
export type MiddlewarePreview = {
  objects: Array<{ kind: string; name: string }>;
  /** The rendered manifests as YAML, Secret data redacted. */
  manifests: string;
  /** The parameters after defaults, passwords redacted. */
  parameters: Record<string, unknown>;
  /** The env vars a bound service receives, and where each comes from. */
  env: Array<{
    name: string;
    value?: string;
    secretKeyRef?: { name: string; key: string };
  }>;
};

/**
 * The env var names a service bound to a middleware instance receives:
 * `<INSTANCE>_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`, with the
 * instance name in upper case and `-` as `_` (instance `orders-db` →
 * `ORDERS_DB_HOST`).
 *
 * @public
 */
export function middlewareEnvName(
  instance: string,
  setting: 'host' | 'port' | 'user' | 'password' | 'database',
): string {
  return `${instance
    .toUpperCase()
    .replace(/-/g, '_')}_${setting.toUpperCase()}`;
}

/**
 * One env var a service bound to an instance receives: a literal value or
 * a key of the instance's Secret.
 *
 * @public
 */
export type MiddlewareEnvVar = {
  name: string;
  value?: string;
  secretKeyRef?: { name: string; key: string };
};

/**
 * A middleware instance of an application: a definition installed with
 * parameters, reconciled onto the clusters like a service's version (it has
 * records, a history and rollback under the services routes, by its name).
 *
 * @public
 */
export type MiddlewareInstance = {
  application: string;
  name: string;
  /** The definition's name, e.g. `redis`. */
  definition: string;
  /** The definition's title, when it is still loaded. */
  title?: string;
  /** The definition's digest the current version renders with. */
  digest: string;
  /** The definition changed since (another digest): an upgrade re-renders it. */
  updateAvailable: boolean;
  /** The middleware's own version, e.g. `7.2` (the `version` parameter). */
  middlewareVersion: string;
  /** With defaults; passwords shown as `<redacted>`. */
  parameters: MiddlewareParameters;
  /** The version (record spec) the clusters should run. */
  currentVersion?: number;
  desiredState: 'running' | 'deleting';
  /** The id of its record in flight (install, upgrade, rollback, uninstall), if any. */
  inFlight?: string;
  /** From the watch caches, like a service's. */
  state: ApplicationState;
  clusters: ServiceClusterStatus[];
  /** What a bound service receives. */
  connection: { host: string; port: number; env: MiddlewareEnvVar[] };
  /** Services of the application whose current version binds it. */
  boundBy: string[];
  createdAt: string;
  createdBy: string;
};

/**
 * Installs a definition into an application as an instance.
 *
 * @public
 */
export type MiddlewareInstallRequest = {
  /** The instance's name: a DNS-1123 label of at most 40 characters. */
  name: string;
  definition: string;
  /** Validated against the definition's schema; passwords generated when absent. */
  parameters?: MiddlewareParameters;
  /** Target clusters; every healthy cluster when absent. */
  clusters?: string[];
  description?: string;
};

/**
 * Changes an instance: new parameters (merged over the current ones, a new
 * `version` among them) and always the definition as loaded now.
 *
 * @public
 */
export type MiddlewareUpgradeRequest = {
  parameters?: MiddlewareParameters;
  clusters?: string[];
  description?: string;
};

/**
 * An install's or upgrade's answer: the instance and its record, in flight.
 *
 * @public
 */
export type MiddlewareInstallResult = {
  instance: MiddlewareInstance;
  deployment: DeploymentRecord;
};
