import { PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkMiddlewareInstanceName,
  checkResourceName,
  MiddlewareInstance,
  MiddlewareParameters,
  serviceCreatePermission,
} from '@internal/plugin-app-platform-common';
import { followDeployment } from './deployAndFollow';
import { differingParameters } from './differingParameters';
import { parametersGiven } from './parametersGiven';
import {
  PlatformAccess,
  PlatformAccessFactory,
  statusOf,
  withPlatformReasons,
} from './platformAccess';

/** Links a finished task shows: the instance's catalog Resource and its application's page. */
function instanceLinks(application: string, instance: string) {
  return {
    entityRef: `resource:${application}/${instance}`,
    url: `/catalog/default/system/${application}/app-platform`,
  };
}

const notFoundAsUndefined = (error: unknown) => {
  if (statusOf(error) === 404) return undefined;
  throw error;
};

/**
 * An instance of this name that the request may take over as its own (a
 * retried task whose checkpoint was lost): the same definition, and the
 * parameters the request gives. Anything else is someone else's.
 */
function checkReusable(
  instance: MiddlewareInstance,
  definition: string,
  parameters: MiddlewareParameters,
) {
  const where = `${instance.application}/${instance.name}`;
  if (instance.definition !== definition) {
    throw new ConflictError(
      `Middleware instance "${where}" already exists as ${instance.definition}, not ${definition}; choose another name`,
    );
  }
  const differing = differingParameters(parameters, instance.parameters);
  if (differing.length) {
    throw new ConflictError(
      `Middleware instance "${where}" already exists with other parameters (${differing.join(
        ', ',
      )}); upgrade it from its page instead`,
    );
  }
}

/**
 * The record of an instance a retried task follows: the one in flight or,
 * when it has settled, the newest.
 */
async function latestRecordOf(
  access: PlatformAccess,
  instance: MiddlewareInstance,
): Promise<string> {
  const page = await access.client.listDeployments(
    instance.application,
    instance.name,
    { limit: 1 },
    access.call,
  );
  const [newest] = page.items;
  if (!newest) {
    throw new ConflictError(
      `Middleware instance "${instance.application}/${instance.name}" exists without a deployment record`,
    );
  }
  return newest.id;
}

/**
 * `app-platform:middleware:install`: installs a middleware definition of
 * the app store into an application as an instance, as the user who runs
 * the template, and follows its rollout per cluster. The install is the
 * step's checkpoint; a retry that lost it finds the instance (same
 * definition and parameters) and follows its record instead of failing. A
 * dry run checks the application, the definition and its parameters (the
 * platform renders a preview) and the user's right, and writes nothing.
 */
export function createInstallMiddlewareAction(options: {
  access: PlatformAccessFactory;
  permissions: PermissionsService;
}) {
  return createTemplateAction({
    id: 'app-platform:middleware:install',
    description:
      'Installs a middleware definition of the App Platform app store into an application and follows the rollout',
    supportsDryRun: true,
    schema: {
      input: {
        application: z => z.string().describe('The application'),
        name: z =>
          z
            .string()
            .describe(
              'The instance name: an RFC 1123 label of at most 40 characters, starting with a letter',
            ),
        definition: z =>
          z.string().min(1).describe('The middleware definition, e.g. redis'),
        parameters: z =>
          z
            .record(z.string(), z.any())
            .default({})
            .describe(
              "The definition's parameters; defaults fill the rest and passwords left out are generated. Empty values ('' or none, e.g. an unset secret) count as left out",
            ),
        clusters: z =>
          z
            .array(z.string())
            .optional()
            .describe('Target clusters; every healthy cluster when empty'),
        description: z => z.string().max(4096).optional(),
        wait: z =>
          z
            .boolean()
            .default(true)
            .describe('Wait until the rollout has settled on every cluster'),
        timeoutSeconds: z => z.number().int().min(1).max(3600).default(600),
      },
      output: {
        name: z => z.string(),
        entityRef: z => z.string(),
        url: z => z.string(),
        connectionEnv: z =>
          z
            .array(z.string())
            .describe(
              'The env var names a service bound to the instance receives',
            ),
        deploymentId: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      return withPlatformReasons(async () => {
        const { application, name, definition } = ctx.input;
        const parameters = parametersGiven(
          ctx.input.parameters,
        ) as MiddlewareParameters;
        for (const [field, value, problem] of [
          ['application', application, checkResourceName(application)],
          ['name', name, checkMiddlewareInstanceName(name)],
        ]) {
          if (problem) throw new InputError(`${field} "${value}" ${problem}`);
        }
        const clusters = ctx.input.clusters?.length
          ? ctx.input.clusters
          : undefined;
        const access = await options.access(ctx);
        const links = instanceLinks(application, name);
        ctx.output('name', name);
        ctx.output('entityRef', links.entityRef);
        ctx.output('url', links.url);

        if (ctx.isDryRun) {
          await access.client.getApplication(application, access.call);
          await access.client.getMiddlewareDefinition(definition, access.call);
          const [decision] = await options.permissions.authorize(
            [{ permission: serviceCreatePermission, resourceRef: application }],
            { credentials: await ctx.getInitiatorCredentials() },
          );
          if (decision.result !== AuthorizeResult.ALLOW) {
            throw new NotAllowedError(
              `Not allowed: ${serviceCreatePermission.name} on "${application}"`,
            );
          }
          // Renders the definition with the parameters and applies nothing:
          // bad parameters fail here, named, as they would in a run.
          const preview = await access.client.previewMiddleware(
            definition,
            { instance: name, application, parameters },
            access.call,
          );
          const existing = await access.client
            .getMiddlewareInstance(application, name, access.call)
            .catch(notFoundAsUndefined);
          if (existing) {
            checkReusable(existing, definition, parameters);
          } else if (
            await access.client
              .getService(application, name, access.call)
              .catch(notFoundAsUndefined)
          ) {
            throw new ConflictError(
              `"${name}" is already used by the service ${application}/${name}; choose another name`,
            );
          }
          ctx.logger.info(
            existing
              ? `Dry run: ${application}/${name} is installed as ${definition}; a run would follow it`
              : `Dry run: would install ${definition} as ${application}/${name} (${preview.objects
                  .map(o => `${o.kind}/${o.name}`)
                  .join(', ')}) on ${
                  clusters?.join(', ') ?? 'every healthy cluster'
                }`,
          );
          ctx.output(
            'connectionEnv',
            preview.env.map(e => e.name),
          );
          return;
        }

        const id = await ctx.checkpoint({
          key: `app-platform-middleware-${application}-${name}`,
          fn: async () => {
            try {
              const { deployment } = await access.client.installMiddleware(
                application,
                {
                  name,
                  definition,
                  parameters,
                  clusters,
                  description:
                    ctx.input.description ??
                    `Installed by the template ${
                      ctx.templateInfo?.entityRef ?? ''
                    }`.trim(),
                },
                access.call,
              );
              ctx.logger.info(
                `Installing ${definition} as ${application}/${name}`,
              );
              return deployment.id;
            } catch (error) {
              if (statusOf(error) !== 409) throw error;
              // A retried step, or the name is taken (by a service too: then
              // there is no instance and the platform's reason stands).
              const existing = await access.client
                .getMiddlewareInstance(application, name, access.call)
                .catch(notFoundAsUndefined);
              if (!existing) throw error;
              checkReusable(existing, definition, parameters);
              ctx.logger.info(
                `Middleware instance ${application}/${name} (${definition}) exists; following it`,
              );
              return latestRecordOf(access, existing);
            }
          },
        });

        await followDeployment(
          ctx,
          access,
          { application, service: name, id },
          { wait: ctx.input.wait, timeoutSeconds: ctx.input.timeoutSeconds },
        );
        const instance = await access.client.getMiddlewareInstance(
          application,
          name,
          access.call,
        );
        const env = instance.connection.env.map(e => e.name);
        ctx.output('connectionEnv', env);
        if (ctx.input.wait) {
          ctx.logger.info(
            `${application}/${name} runs ${instance.title ?? definition} ${
              instance.middlewareVersion
            }; a service bound to it receives ${env.join(', ')}`,
          );
        }
      });
    },
  });
}
