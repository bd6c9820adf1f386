import { findPaths } from '@backstage/cli-common';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { APP_PLATFORM_LABELS } from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** By default, the templates/namespaces folder at the root of the repository. */
function defaultDirectory(): string {
  // eslint-disable-next-line no-restricted-syntax
  return findPaths(__dirname).resolveTargetRoot('templates/namespaces');
}

/** What a template's `${...}` placeholders are filled with. */
export type NamespaceTemplateValues = { application: string; owner: string };

/**
 * The namespace templates: `<name>.yaml` files of namespaced objects that a
 * fresh application namespace gets. Read once at start-up.
 */
export class NamespaceTemplates {
  private constructor(private readonly templates: Map<string, string>) {}

  static fromConfig(config: Config): NamespaceTemplates {
    const configured = config.getOptionalString(
      'appPlatform.namespaceTemplates.directory',
    );
    const directory = configured
      ? path.resolve(configured)
      : defaultDirectory();
    const templates = new Map<string, string>();
    for (const file of fs.readdirSync(directory).sort()) {
      if (file.endsWith('.yaml') || file.endsWith('.yml')) {
        templates.set(
          file.replace(/\.ya?ml$/, ''),
          fs.readFileSync(path.join(directory, file), 'utf8'),
        );
      }
    }
    if (!templates.has('default')) {
      throw new Error(`No "default" namespace template in ${directory}`);
    }
    return new NamespaceTemplates(templates);
  }

  names(): string[] {
    return [...this.templates.keys()];
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** The template's objects for one application, in its namespace and labelled. */
  render(name: string, values: NamespaceTemplateValues): KubernetesObject[] {
    const source = this.templates.get(name);
    if (source === undefined) {
      throw new InputError(
        `namespaceTemplate "${name}" does not exist; known: ${this.names().join(
          ', ',
        )}`,
      );
    }
    const filled = source.replace(/\$\{(application|owner)\}/g, (_, key) =>
      key === 'application' ? values.application : values.owner,
    );
    return parseAllDocuments(filled)
      .map(doc => doc.toJS() as KubernetesObject | null)
      .filter((o): o is KubernetesObject => Boolean(o?.kind))
      .map(object => ({
        ...object,
        metadata: {
          ...object.metadata,
          namespace: values.application,
          labels: {
            ...object.metadata?.labels,
            [APP_PLATFORM_LABELS.managedBy]: APP_PLATFORM_LABELS.managedByValue,
            [APP_PLATFORM_LABELS.application]: values.application,
            [APP_PLATFORM_LABELS.namespaceTemplate]: name,
          },
        },
      }));
  }
}
