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
