import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeployRequest,
  serviceDeployPermission,
} from '@internal/plugin-app-platform-common';
import { deployAndFollow } from './deployAndFollow';
import {
  withPlatformReasons,
  PlatformAccessFactory,
  serviceLinks,
} from './platformAccess';

/**
 * `app-platform:version:deploy`: deploys a new image (the current version's
 * spec with the image replaced) or a stored version, as the user who runs
 * the template, and follows the rollout per cluster. A dry run checks the
 * user's right to deploy and what would be deployed, without a cluster call.
 */
export function createDeployVersionAction(options: {
  access: PlatformAccessFactory;
  permissions: PermissionsService;
}) {
  return createTemplateAction({
    id: 'app-platform:version:deploy',
    description:
      'Deploys a new image or a stored version of an App Platform service and follows the rollout',
    supportsDryRun: true,
    schema: {
      input: {
        application: z => z.string(),
        service: z => z.string(),
        image: z =>
          z
            .string()
            .min(1)
            .max(512)
            .optional()
            .describe('A new image on the current version'),
        version: z =>
          z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('A stored version to deploy'),
        clusters: z =>
          z
            .array(z.string())
            .optional()
            .describe('Target clusters; every healthy cluster when empty'),
        description: z => z.string().max(4096).optional(),
        wait: z => z.boolean().default(true),
        timeoutSeconds: z => z.number().int().min(1).max(3600).default(600),
      },
      output: {
        entityRef: z => z.string(),
        deploymentsUrl: z => z.string(),
        deploymentId: z => z.string().optional(),
        version: z => z.number(),
      },
    },
    async handler(ctx) {
      return withPlatformReasons(async () => {
        const { application, service, image, version } = ctx.input;
        if ((image === undefined) === (version === undefined)) {
          throw new InputError(
            'image: give a new image or a version, one of them',
          );
        }
        const access = await options.access(ctx);
        const links = serviceLinks(application, service);
        ctx.output('entityRef', links.entityRef);
        ctx.output('deploymentsUrl', links.deploymentsUrl);

        const current = await access.client.getService(
          application,
          service,
          access.call,
        );
        if (image !== undefined && current.currentVersion === undefined) {
          throw new InputError(
            `image: ${application}/${service} has no version yet to take the rest of the spec from`,
          );
        }
        // The platform puts the image on the version the clusters should run.
        const request: DeployRequest =
          image === undefined ? { version } : { image };
        const clusters = ctx.input.clusters?.length
          ? ctx.input.clusters
          : undefined;

        if (ctx.isDryRun) {
          const [decision] = await options.permissions.authorize(
            [
              {
                permission: serviceDeployPermission,
                resourceRef: `${application}/${service}`,
              },
            ],
            { credentials: await ctx.getInitiatorCredentials() },
          );
          if (decision.result !== AuthorizeResult.ALLOW) {
            throw new NotAllowedError(
              `Not allowed: ${serviceDeployPermission.name} on "${application}/${service}"`,
            );
          }
          ctx.logger.info(
            `Dry run: would deploy ${
              image ?? `version ${version}`
            } of ${application}/${service} to ${
              clusters?.join(', ') ?? 'every healthy cluster'
            }`,
          );
          ctx.output('version', version ?? (current.currentVersion ?? 0) + 1);
          return;
        }

        await deployAndFollow(
          ctx,
          access,
          {
            application,
            service,
            request: {
              ...request,
              clusters,
              description: ctx.input.description,
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
