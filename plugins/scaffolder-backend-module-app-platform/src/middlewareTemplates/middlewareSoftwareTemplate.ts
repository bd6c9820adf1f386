import { InputError } from '@backstage/errors';
import { middlewareEnvName } from '@internal/plugin-app-platform-common';
import { Document, isScalar, visit } from 'yaml';
import { middlewareParametersForm } from './middlewareParametersForm';

type JsonSchema = Record<string, unknown>;
type Resources = { cpu?: string | number; memory?: string };

/** What a Software Template is made from: a definition's definition.yaml and parameters.yaml, parsed. */
export type MiddlewareDefinitionSource = {
  /** definition.yaml */
  definition: {
    name: string;
    title: string;
    description: string;
    category: string;
    versions: string[];
    defaultVersion: string;
    sizes: Record<
      string,
      { resources?: { requests?: Resources; limits?: Resources } }
    >;
  };
  /** parameters.yaml, when the definition has one. */
  parameters?: JsonSchema;
};

const SIZES = ['small', 'medium', 'large'];
/** The first step's fields: the template's parameters are one flat object, so a definition's parameter cannot take these names. */
const INSTANCE_FIELDS = ['application', 'name', 'clusters'];
const STEP_ID = 'install';

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function amounts(resources?: Resources) {
  return [
    resources?.cpu !== undefined && `${resources.cpu} CPU`,
    resources?.memory && `${resources.memory} memory`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** "small: 100m CPU, 128Mi memory (at most 500m CPU, 256Mi memory); medium: …" */
function sizesHelp(sizes: MiddlewareDefinitionSource['definition']['sizes']) {
  const lines = SIZES.map(size => {
    const { requests, limits } = sizes[size]?.resources ?? {};
    const limit = amounts(limits);
    return `${size}: ${amounts(requests) || 'no reservation'}${
      limit ? ` (at most ${limit})` : ''
    }`;
  });
  return `${lines.join('; ')}.`;
}

/**
 * The Software Template that installs one middleware definition: step 1
 * asks where (application, instance name, clusters), step 2 the
 * definition's parameters as a form built from its JSON Schema (`version`
 * and `size` first, as the platform adds them; passwords as Secret fields,
 * see `middlewareParametersForm`); its step is
 * `app-platform:middleware:install`. Throws InputError when a parameter's
 * name is one of the first step's, or a password cannot be asked for
 * without showing it.
 */
export function middlewareSoftwareTemplate(source: MiddlewareDefinitionSource) {
  const { definition } = source;
  const own = source.parameters ?? { type: 'object', properties: {} };
  const ownProperties = isSchema(own.properties) ? own.properties : {};
  const taken = Object.keys(ownProperties).filter(key =>
    [...INSTANCE_FIELDS, 'version', 'size'].includes(key),
  );
  if (taken.length) {
    throw new InputError(
      `middleware definition "${
        definition.name
      }": parameters.yaml: ${taken.join(
        ', ',
      )} cannot be a parameter's name in a Software Template`,
    );
  }
  const form = middlewareParametersForm({
    where: `middleware definition "${definition.name}": parameters.yaml`,
    // `version` and `size` as the platform adds them to the definition's schema.
    added: {
      version: {
        title: 'Version',
        type: 'string',
        enum: definition.versions,
        default: definition.defaultVersion,
      },
      size: {
        title: 'Size',
        description: 'CPU and memory of each replica.',
        type: 'string',
        enum: SIZES,
        default: 'small',
        'ui:help': sizesHelp(definition.sizes),
      },
    },
    properties: ownProperties,
    required: Array.isArray(own.required) ? own.required : [],
    taken: INSTANCE_FIELDS,
  });

  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: `app-platform-install-${definition.name}`,
      title: `Install ${definition.title}`,
      description: definition.description.trim().replace(/\s+/g, ' '),
      tags: ['app-platform', 'middleware', definition.category],
    },
    spec: {
      owner: 'group:default/guests',
      type: 'middleware',
      parameters: [
        {
          title: 'Instance',
          required: ['application', 'name'],
          properties: {
            application: {
              title: 'Application',
              type: 'string',
              description: 'Only applications your team may change are listed.',
              'ui:field': 'ApplicationPicker',
            },
            name: {
              title: 'Instance name',
              type: 'string',
              description: `Names its objects in the namespace and the env vars of the services bound to it (${
                definition.name
              } → ${middlewareEnvName(definition.name, 'host')}).`,
              default: definition.name,
              pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
              maxLength: 40,
              errorMessage: {
                pattern:
                  "Lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. orders-cache",
                maxLength: 'At most 40 characters',
              },
            },
            clusters: {
              title: 'Clusters',
              type: 'array',
              description:
                'Where to install it; none chosen means every healthy cluster.',
              items: { type: 'string' },
              'ui:field': 'ClusterPicker',
            },
          },
        },
        {
          title: `${definition.title} settings`,
          ...(form.required.length ? { required: form.required } : {}),
          properties: form.properties,
        },
      ],
      steps: [
        {
          id: STEP_ID,
          name: `Install ${definition.title}`,
          action: 'app-platform:middleware:install',
          input: {
            application: '${{ parameters.application }}',
            name: '${{ parameters.name }}',
            definition: definition.name,
            // A parameter left empty renders as nothing (an empty secret as
            // '', which the action leaves out): the platform's default applies.
            parameters: form.input,
            clusters: '${{ parameters.clusters or [] }}',
            wait: true,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Application',
            url: `\${{ steps.${STEP_ID}.output.url }}`,
          },
          {
            title: 'In the catalog',
            icon: 'catalog',
            entityRef: `\${{ steps.${STEP_ID}.output.entityRef }}`,
          },
        ],
        text: [
          {
            title: 'Connection',
            content: `A service that binds it (\`bindings: [{ instance: \${{ parameters.name }} }]\` in a version) receives \${{ steps.${STEP_ID}.output.connectionEnv | join(', ') }}.`,
          },
        ],
      },
    },
  };
}

/** The committed file of a definition's Software Template. */
export function middlewareSoftwareTemplateFile(
  source: MiddlewareDefinitionSource,
): string {
  const document = new Document(middlewareSoftwareTemplate(source));
  // Short lists of plain values on one line (`tags: [a, b]`), as in the
  // hand-written templates; longer ones stay a block, which Prettier keeps.
  visit(document, {
    Seq(_key, node) {
      const items = node.items.filter(isScalar).map(item => String(item.value));
      if (items.length === node.items.length && items.join(', ').length <= 40) {
        node.flow = true;
      }
    },
  });
  return `# Generated from templates/middleware/${
    source.definition.name
  } by scripts/generate-middleware-templates.mjs; do not edit.\n${document.toString(
    { lineWidth: 0, singleQuote: true, flowCollectionPadding: false },
  )}`;
}
