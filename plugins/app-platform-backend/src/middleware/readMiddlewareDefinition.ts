import { InputError } from '@backstage/errors';
import Ajv from 'ajv';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isDnsLabel } from '../services/validateVersionSpec';
import {
  MIDDLEWARE_CATEGORIES,
  MIDDLEWARE_SIZES,
  MiddlewareDefinition,
  MiddlewareTemplateFile,
} from './MiddlewareDefinition';
import { parameterErrors } from './parameterErrors';
import {
  createParametersAjv,
  passwordParameters,
} from './resolveMiddlewareParameters';

/** Bounds on what a definition folder may hold, checked before parsing. */
export const DEFINITION_LIMITS = {
  files: 64,
  fileBytes: 256 * 1024,
  totalBytes: 1024 * 1024,
  iconBytes: 32 * 1024,
};

const resources = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: { $ref: '#/$defs/resourceList' },
    limits: { $ref: '#/$defs/resourceList' },
  },
};

const connectionValue = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['value'],
      properties: { value: { type: 'string', minLength: 1 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['secretKey'],
      properties: { secretKey: { type: 'string', minLength: 1 } },
    },
  ],
};

/** The schema of definition.yaml. */
const METADATA_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'name',
    'title',
    'description',
    'icon',
    'category',
    'versions',
    'defaultVersion',
    'sizes',
    'connection',
  ],
  $defs: {
    resourceList: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cpu: { type: ['string', 'number'] },
        memory: { type: 'string' },
      },
    },
    size: {
      type: 'object',
      additionalProperties: false,
      required: ['resources'],
      properties: {
        resources,
        settings: {
          type: 'object',
          additionalProperties: { type: ['string', 'number', 'boolean'] },
        },
      },
    },
  },
  properties: {
    name: { type: 'string' },
    title: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    icon: { type: 'string', minLength: 1 },
    category: { enum: [...MIDDLEWARE_CATEGORIES] },
    versions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$' },
    },
    defaultVersion: { type: 'string' },
    sizes: {
      type: 'object',
      additionalProperties: false,
      required: [...MIDDLEWARE_SIZES],
      properties: Object.fromEntries(
        MIDDLEWARE_SIZES.map(size => [size, { $ref: '#/$defs/size' }]),
      ),
    },
    connection: {
      type: 'object',
      additionalProperties: false,
      required: ['service', 'port'],
      properties: {
        service: { type: 'string', minLength: 1 },
        port: { type: ['integer', 'string'] },
        secret: { type: 'string', minLength: 1 },
        user: connectionValue,
        password: connectionValue,
        database: connectionValue,
      },
    },
  },
};

const validateMetadata = new Ajv({
  strict: true,
  allErrors: true,
  allowUnionTypes: true,
}).compile(METADATA_SCHEMA);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function byCodeUnits(a: string, b: string): number {
  return Number(a > b) - Number(a < b);
}

/**
 * Every file of a definition folder, by relative path (with `/`), in a
 * stable order. Dotfiles and editor backups are skipped; symbolic links and
 * anything but regular files and folders are refused, so a definition can
 * only ever consist of what is inside its folder.
 */
async function readFiles(
  directory: string,
  where: string,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let total = 0;
  async function walk(relative: string) {
    const entries = await fs.readdir(path.join(directory, relative), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.endsWith('~')) continue;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(rel);
      } else if (entry.isFile()) {
        if (files.size >= DEFINITION_LIMITS.files) {
          throw new InputError(
            `${where}: more than ${DEFINITION_LIMITS.files} files`,
          );
        }
        const content = await fs.readFile(path.join(directory, rel));
        if (content.length > DEFINITION_LIMITS.fileBytes) {
          throw new InputError(
            `${where}: ${rel} is larger than ${DEFINITION_LIMITS.fileBytes} bytes`,
          );
        }
        total += content.length;
        if (total > DEFINITION_LIMITS.totalBytes) {
          throw new InputError(
            `${where}: the files are larger than ${DEFINITION_LIMITS.totalBytes} bytes together`,
          );
        }
        files.set(rel, content);
      } else {
        throw new InputError(
          `${where}: ${rel} is not a regular file (symbolic links are not followed)`,
        );
      }
    }
  }
  await walk('');
  return new Map([...files].sort(([a], [b]) => byCodeUnits(a, b)));
}

/**
 * sha256 over the files in path order, each as its path, its length and its
 * bytes, so no two different folders share a digest.
 */
export function definitionDigest(files: Map<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const [rel, content] of [...files].sort(([a], [b]) =>
    byCodeUnits(a, b),
  )) {
    hash.update(`${rel}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

function readYaml(files: Map<string, Buffer>, file: string, where: string) {
  const content = files.get(file);
  if (!content) throw new InputError(`${where}: ${file} is missing`);
  try {
    return parseYaml(content.toString('utf8'));
  } catch (error) {
    throw new InputError(
      `${where}: ${file} is not valid YAML: ${(error as Error).message}`,
    );
  }
}

function icon(files: Map<string, Buffer>, value: string, where: string) {
  if (value.startsWith('data:')) {
    if (!/^data:image\/(svg\+xml|png);base64,[A-Za-z0-9+/=]+$/.test(value)) {
      throw new InputError(
        `${where}: definition.yaml: icon: a data URL must be a base64 image/svg+xml or image/png`,
      );
    }
    if (value.length > DEFINITION_LIMITS.iconBytes * 1.4) {
      throw new InputError(`${where}: definition.yaml: icon: too large`);
    }
    return value;
  }
  const content = files.get(value);
  if (!content || !/\.svg$/.test(value)) {
    throw new InputError(
      `${where}: definition.yaml: icon: "${value}" is not an SVG file of the definition`,
    );
  }
  if (content.length > DEFINITION_LIMITS.iconBytes) {
    throw new InputError(
      `${where}: ${value} is larger than ${DEFINITION_LIMITS.iconBytes} bytes`,
    );
  }
  const text = content.toString('utf8');
  // Shown in an <img>, where scripts never run; refused anyway so the icon
  // stays safe wherever else it may be shown.
  if (/<script|\son\w+\s*=|javascript:/i.test(text)) {
    throw new InputError(`${where}: ${value} contains script`);
  }
  return `data:image/svg+xml;base64,${content.toString('base64')}`;
}

/**
 * The parameters' schema from parameters.yaml, with `version` and `size`
 * added from the metadata (declaring them in parameters.yaml is an error:
 * their values come from `versions` and `sizes`), unknown parameters
 * refused, and checked by compiling it.
 */
/** Every `format: password` anywhere in a schema, by where it is. */
function passwordsAnywhere(node: unknown, at: string): string[] {
  if (Array.isArray(node)) {
    return node.flatMap((item, i) => passwordsAnywhere(item, `${at}[${i}]`));
  }
  if (!isObject(node)) return [];
  return [
    ...(node.format === 'password' ? [at] : []),
    ...Object.entries(node).flatMap(([key, value]) =>
      passwordsAnywhere(value, at ? `${at}.${key}` : key),
    ),
  ];
}

/**
 * Passwords are generated, left out of records and encrypted by their
 * dotted path, so each must be a string property reached through
 * `properties` alone (not in an array, `additionalProperties` or a
 * combinator), inside objects that default to `{}` so there is always one
 * to put a generated password in.
 */
function checkPasswordPlacement(schema: Json, where: string) {
  const handled = passwordParameters(schema);
  const all = passwordsAnywhere(schema, '');
  if (all.length !== handled.length) {
    throw new InputError(
      `${where}: parameters.yaml: a password (format: password) must be a string property reached through properties only; ${
        all.length - handled.length
      } is elsewhere (an array, additionalProperties or a combinator), where it could not be kept secret`,
    );
  }
  for (const dotted of handled) {
    const keys = dotted.split('.');
    let node: unknown = schema;
    for (const key of keys.slice(0, -1)) {
      node = (node as Json).properties
        ? ((node as Json).properties as Json)[key]
        : undefined;
      if (!isObject(node) || !isObject(node.default)) {
        throw new InputError(
          `${where}: parameters.yaml: the password ${dotted} is inside "${key}", which needs a default (e.g. default: {}) so a password can always be generated`,
        );
      }
    }
  }
}

function parametersSchema(
  files: Map<string, Buffer>,
  metadata: { versions: string[]; defaultVersion: string },
  where: string,
): Json {
  const own = files.has('parameters.yaml')
    ? readYaml(files, 'parameters.yaml', where)
    : { type: 'object', properties: {} };
  if (!isObject(own) || own.type !== 'object') {
    throw new InputError(
      `${where}: parameters.yaml: must be a JSON Schema of type object`,
    );
  }
  const properties = own.properties ?? {};
  if (!isObject(properties)) {
    throw new InputError(
      `${where}: parameters.yaml: properties must be a mapping`,
    );
  }
  for (const reserved of ['version', 'size']) {
    if (reserved in properties) {
      throw new InputError(
        `${where}: parameters.yaml: properties.${reserved} comes from definition.yaml; remove it`,
      );
    }
  }
  const schema: Json = {
    additionalProperties: false,
    ...own,
    properties: {
      version: {
        title: 'Version',
        type: 'string',
        enum: metadata.versions,
        default: metadata.defaultVersion,
      },
      size: {
        title: 'Size',
        description: 'CPU and memory of each replica.',
        type: 'string',
        enum: [...MIDDLEWARE_SIZES],
        default: 'small',
      },
      ...properties,
    },
  };
  checkPasswordPlacement(schema, where);
  try {
    createParametersAjv().compile(schema);
  } catch (error) {
    throw new InputError(
      `${where}: parameters.yaml: not a valid parameter schema: ${
        (error as Error).message
      }`,
    );
  }
  return schema;
}

/**
 * Reads and checks one definition folder (see
 * templates/middleware/README.md). Throws InputError naming the definition
 * and the file.
 */
export async function readMiddlewareDefinition(
  directory: string,
): Promise<MiddlewareDefinition> {
  const name = path.basename(directory);
  const where = `middleware definition "${name}"`;
  if (!isDnsLabel(name) || !/^[a-z]/.test(name)) {
    throw new InputError(
      `${where}: the folder name must be a DNS-1123 label starting with a letter`,
    );
  }
  const files = await readFiles(directory, where);
  const metadata = readYaml(files, 'definition.yaml', where);
  if (!validateMetadata(metadata)) {
    throw new InputError(
      `${where}: definition.yaml: ${parameterErrors(
        validateMetadata.errors,
        '',
      )}`,
    );
  }
  const m = metadata as Omit<MiddlewareDefinition, 'digest' | 'directory'>;
  if (m.name !== name) {
    throw new InputError(
      `${where}: definition.yaml: name "${m.name}" must be the folder's name`,
    );
  }
  if (!m.versions.includes(m.defaultVersion)) {
    throw new InputError(
      `${where}: definition.yaml: defaultVersion "${m.defaultVersion}" is not one of versions`,
    );
  }
  const templates: MiddlewareTemplateFile[] = [...files]
    .filter(([rel]) => /^templates\/[^/]+\.ya?ml$/.test(rel))
    .map(([rel, content]) => ({ path: rel, text: content.toString('utf8') }));
  if (templates.length === 0) {
    throw new InputError(`${where}: no templates/*.yaml`);
  }
  return {
    name,
    title: m.title,
    description: m.description.trim(),
    icon: icon(files, m.icon, where),
    category: m.category,
    versions: m.versions,
    defaultVersion: m.defaultVersion,
    sizes: Object.fromEntries(
      Object.entries(m.sizes).map(([size, value]) => [
        size,
        { resources: value.resources, settings: value.settings ?? {} },
      ]),
    ) as MiddlewareDefinition['sizes'],
    connection: m.connection,
    parametersSchema: parametersSchema(files, m, where),
    templates,
    digest: definitionDigest(files),
    directory,
  };
}
