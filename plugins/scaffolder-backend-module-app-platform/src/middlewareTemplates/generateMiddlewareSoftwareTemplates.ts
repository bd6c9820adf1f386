import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import {
  MiddlewareDefinitionSource,
  middlewareSoftwareTemplateFile,
} from './middlewareSoftwareTemplate';

/** Where the definitions are and where their Software Templates go, from the repository's root. */
export const MIDDLEWARE_DEFINITIONS_DIR = 'templates/middleware';
export const MIDDLEWARE_TEMPLATES_DIR = 'templates/software/middleware';

async function readYaml(file: string) {
  try {
    return parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The Software Template of every middleware definition under
 * `templates/middleware/`, by path from the repository's root
 * (`templates/software/middleware/<definition>.yaml`), in name order.
 */
export async function generateMiddlewareSoftwareTemplates(
  root: string,
): Promise<Map<string, string>> {
  const entries = await fs.readdir(
    path.join(root, MIDDLEWARE_DEFINITIONS_DIR),
    {
      withFileTypes: true,
    },
  );
  const files = new Map<string, string>();
  for (const entry of entries
    .filter(e => e.isDirectory() && !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const folder = path.join(root, MIDDLEWARE_DEFINITIONS_DIR, entry.name);
    const definition = await readYaml(path.join(folder, 'definition.yaml'));
    if (!definition) continue;
    const source: MiddlewareDefinitionSource = {
      definition,
      parameters: await readYaml(path.join(folder, 'parameters.yaml')),
    };
    files.set(
      `${MIDDLEWARE_TEMPLATES_DIR}/${entry.name}.yaml`,
      middlewareSoftwareTemplateFile(source),
    );
  }
  return files;
}
