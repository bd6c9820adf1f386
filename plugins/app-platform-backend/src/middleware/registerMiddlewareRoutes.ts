import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  checkResourceName,
  MiddlewareDefinitionSummary,
  MiddlewarePreview,
  middlewareReadPermission,
} from '@internal/plugin-app-platform-common';
import { stringify } from 'yaml';
import { authorizeRequest } from '../permissions/authorizeRequest';
import { AppPlatformRouter } from '../router';
import { MiddlewareDefinition, MIDDLEWARE_SIZES } from './MiddlewareDefinition';
import { MiddlewareDefinitions } from './MiddlewareDefinitions';
import { renderMiddleware } from './renderMiddleware';
import { connectionEnv } from './MiddlewareRenderer';
import {
  REDACTED,
  redactPasswords,
  resolveMiddlewareParameters,
} from './resolveMiddlewareParameters';

/** The namespace a preview renders into when no application is named. */
const PREVIEW_NAMESPACE = 'my-application';

function summaryOf(
  definition: MiddlewareDefinition,
): MiddlewareDefinitionSummary {
  return {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    icon: definition.icon,
    category: definition.category,
    versions: definition.versions,
    defaultVersion: definition.defaultVersion,
    sizes: MIDDLEWARE_SIZES.map(name => ({
      name,
      ...definition.sizes[name].resources,
    })),
    parametersSchema: definition.parametersSchema,
    digest: definition.digest,
  };
}

/**
 * `/middleware/definitions`: the app store's definitions, each with the
 * JSON Schema of its parameters, and a preview of what an install would
 * create (rendered with the parameters, applied nowhere, secrets redacted).
 * Everything needs `app-platform.middleware.read`.
 */
export function registerMiddlewareRoutes(options: {
  definitions: MiddlewareDefinitions;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { definitions, httpAuth, permissions } = options;
  const authorize = async (
    req: Parameters<HttpAuthService['credentials']>[0],
  ) =>
    authorizeRequest(
      permissions,
      await httpAuth.credentials(req, { allow: ['user', 'service'] }),
      { permission: middlewareReadPermission },
    );

  return (router: AppPlatformRouter) => {
    router.get('/middleware/definitions', async (req, res) => {
      await authorize(req);
      res.json({
        items: definitions
          .list()
          .sort((a, b) => a.title.localeCompare(b.title))
          .map(summaryOf),
        problems: definitions
          .problems()
          .map(p => ({ name: p.name, message: p.message })),
      });
    });

    router.get('/middleware/definitions/:definition', async (req, res) => {
      await authorize(req);
      res.json(summaryOf(definitions.get(req.params.definition)));
    });

    router.post(
      '/middleware/definitions/:definition/preview',
      async (req, res) => {
        await authorize(req);
        const definition = definitions.get(req.params.definition);
        const { instance, application } = req.body;
        const instanceProblem = checkResourceName(instance);
        if (instanceProblem) {
          throw new InputError(`instance "${instance}" ${instanceProblem}`);
        }
        const { parameters } = resolveMiddlewareParameters(
          definition,
          req.body.parameters ?? {},
        );
        const rendered = renderMiddleware({
          definition,
          instance,
          namespace: application ?? PREVIEW_NAMESPACE,
          installationId: 'preview',
          parameters,
        });
        const objects = rendered.objects.map(object =>
          object.kind === 'Secret'
            ? {
                ...object,
                data: Object.fromEntries(
                  Object.keys((object as { data?: object }).data ?? {}).map(
                    key => [key, REDACTED],
                  ),
                ),
              }
            : object,
        );
        const preview: MiddlewarePreview = {
          objects: objects.map(o => ({ kind: o.kind, name: o.metadata.name })),
          manifests: objects.map(o => stringify(o)).join('---\n'),
          parameters: redactPasswords(
            definition,
            rendered.parameters,
            REDACTED,
          ),
          env: connectionEnv(instance, rendered.connection, 'connection'),
        };
        res.json(preview);
      },
    );
  };
}
