/** The app store's shelves. */
export const MIDDLEWARE_CATEGORIES = [
  'database',
  'cache',
  'queue',
  'coordination',
  'gateway',
] as const;

export type MiddlewareCategory = (typeof MIDDLEWARE_CATEGORIES)[number];

/** The sizes every definition offers, smallest first. */
export const MIDDLEWARE_SIZES = ['small', 'medium', 'large'] as const;

export type MiddlewareSizeName = (typeof MIDDLEWARE_SIZES)[number];

type ResourceList = { cpu?: string; memory?: string };

/** What one size means for a definition: its containers' resources and free settings. */
export type MiddlewareSize = {
  resources: { requests?: ResourceList; limits?: ResourceList };
  /** Values the templates use per size, e.g. Redis's `maxmemory`. */
  settings: Record<string, string | number | boolean>;
};

/**
 * One connection setting a bound service receives: a literal value or a key
 * of the connection Secret. Templated in the definition, rendered per instance.
 */
export type ConnectionValueTemplate = { value: string } | { secretKey: string };

/** `connection` in definition.yaml, before rendering (strings are templates). */
export type ConnectionTemplate = {
  /** The Service a client connects to. */
  service: string;
  /** Its port: a number or the port's name. */
  port: number | string;
  /** The Secret the secretKey settings are read from. */
  secret?: string;
  user?: ConnectionValueTemplate;
  password?: ConnectionValueTemplate;
  database?: ConnectionValueTemplate;
};

/** One manifest template: `templates/<name>.yaml` of the definition. */
export type MiddlewareTemplateFile = {
  /** Relative to the definition's folder, e.g. `templates/statefulset.yaml`. */
  path: string;
  text: string;
};

/**
 * A parsed middleware definition (see templates/middleware/README.md). Plain
 * data: the templates are text, rendered by `renderMiddleware`.
 */
export type MiddlewareDefinition = {
  /** The folder's name, a DNS-1123 label. */
  name: string;
  title: string;
  description: string;
  /** A `data:` URL (an SVG file of the definition is inlined as one). */
  icon: string;
  category: MiddlewareCategory;
  /** Maintained versions, newest first. */
  versions: string[];
  defaultVersion: string;
  sizes: Record<MiddlewareSizeName, MiddlewareSize>;
  connection: ConnectionTemplate;
  /**
   * JSON Schema of the parameters: parameters.yaml with `version` and
   * `size` added from the metadata.
   */
  parametersSchema: Record<string, unknown>;
  templates: MiddlewareTemplateFile[];
  /** sha256 (hex) over the definition's files; changes with any of them. */
  digest: string;
  /** The folder it was read from. */
  directory: string;
};
