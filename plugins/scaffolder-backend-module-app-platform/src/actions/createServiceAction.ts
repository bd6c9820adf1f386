import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkResourceName,
  serviceCreatePermission,
} from '@internal/plugin-app-platform-common';
import { deployAndFollow } from './deployAndFollow';
import {
  withPlatformReasons,
  PlatformAccessFactory,
  serviceLinks,
  statusOf,
} from './platformAccess';
import { versionInput, versionSpecOf } from './versionSpecInput';

/**
 * `app-platform:service:create`: a service of an application with its first
 * version, deployed at once when asked, as the user who runs the template.
 * Each step is a checkpoint, so a retried task neither creates a second
 * version nor starts a second deploy; a dry run checks names and rights and
 * touches no cluster.
 */
export function createServiceAction(options: {
  access: PlatformAccessFactory;
  permissions: PermissionsService;
}) {
  return createTemplateAction({
    id: 'app-platform:service:create',
    description:
      'Creates a service of an App Platform application with its first version, and deploys it when asked',
    supportsDryRun: true,
    schema: {
      input: {
        application: z => z.string().describe('The application'),
        name: z => z.string().describe('The service name (RFC 1123)'),
        description: z => z.string().max(2000).optional(),
        public: z =>
          z
            .boolean()
            .default(false)
            .describe('Other applications may reference it'),
        ...versionInput,
        deploy: z =>
          z.boolean().default(false).describe('Deploy the first version now'),
        clusters: z =>
          z
            .array(z.string())
            .optional()
            .describe('Target clusters; every healthy cluster when empty'),
        wait: z =>
          z
            .boolean()
            .default(true)
            .describe('Wait until the rollout has settled on every cluster'),
        timeoutSeconds: z => z.number().int().min(1).max(3600).default(600),
      },
      output: {
        entityRef: z => z.string(),
        deploymentsUrl: z => z.string(),
        version: z => z.number(),
        deploymentId: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      return withPlatformReasons(async () => {
        const { application, name } = ctx.input;
        for (const [field, value] of [
          ['application', application],
          ['name', name],
        ] as const) {
          const problem = checkResourceName(value);
          if (problem) throw new InputError(`${field} "${value}" ${problem}`);
        }
        const spec = versionSpecOf(ctx.input);
        const clusters = ctx.input.clusters?.length
          ? ctx.input.clusters
          : undefined;
        const access = await options.access(ctx);
        const links = serviceLinks(application, name);
        ctx.output('entityRef', links.entityRef);
        ctx.output('deploymentsUrl', links.deploymentsUrl);

        if (ctx.isDryRun) {
          // The application must exist and the user may add services to it.
          await access.client.getApplication(application, access.call);
          const [decision] = await options.permissions.authorize(
            [{ permission: serviceCreatePermission, resourceRef: application }],
            { credentials: await ctx.getInitiatorCredentials() },
          );
          if (decision.result !== AuthorizeResult.ALLOW) {
            throw new NotAllowedError(
              `Not allowed: ${serviceCreatePermission.name} on "${application}"`,
            );
          }
          ctx.logger.info(
            `Dry run: would create ${application}/${name} with version 1 (${
              spec.image
            })${
              ctx.input.deploy
                ? `, deployed to ${
                    clusters?.join(', ') ?? 'every healthy cluster'
                  }`
                : ''
            }`,
          );
          ctx.output('version', 1);
          return;
        }

        await ctx.checkpoint({
          key: `app-platform-service-${application}-${name}`,
          fn: async () => {
            try {
              await access.client.createService(
                application,
                {
                  name,
                  description: ctx.input.description,
                  public: ctx.input.public,
                },
                access.call,
              );
              ctx.logger.info(`Created service ${application}/${name}`);
            } catch (error) {
              if (statusOf(error) !== 409) throw error;
              // A retried step: the service is there (its application's owner owns it).
              await access.client.getService(application, name, access.call);
              ctx.logger.info(
                `Service ${application}/${name} exists; reusing it`,
              );
            }
          },
        });

        if (!ctx.input.deploy) {
          const version = await ctx.checkpoint({
            key: `app-platform-version-${application}-${name}`,
            fn: async () =>
              (
                await access.client.createVersion(
                  application,
                  name,
                  spec,
                  access.call,
                )
              ).number,
          });
          ctx.logger.info(
            `Stored version ${version} (${spec.image}); deploy it from the Deployments tab`,
          );
          ctx.output('version', version);
          return;
        }

        await deployAndFollow(
          ctx,
          access,
          {
            application,
            service: name,
            request: {
              spec,
              clusters,
              description: `Created by the template ${
                ctx.templateInfo?.entityRef ?? ''
              }`.trim(),
            },
          },
          {
            wait: ctx.input.wait,
            timeoutSeconds: ctx.input.timeoutSeconds,
          },
        );
      });
    },
  });
}
