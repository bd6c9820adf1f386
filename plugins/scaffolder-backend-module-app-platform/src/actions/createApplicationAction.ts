import { PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  applicationAdoptPermission,
  applicationCreatePermission,
  checkApplicationName,
} from '@internal/plugin-app-platform-common';
import {
  withPlatformReasons,
  PlatformAccessFactory,
  statusOf,
} from './platformAccess';
import { waitForNamespaces } from './waitForSettled';

/**
 * `app-platform:application:create`: an application (a namespace on every
 * healthy cluster) as the user who runs the template. A retry after the
 * application was created finds it (same owner) instead of failing; a dry
 * run checks the name and the user's rights and creates nothing.
 */
export function createApplicationAction(options: {
  access: PlatformAccessFactory;
  permissions: PermissionsService;
}) {
  return createTemplateAction({
    id: 'app-platform:application:create',
    description:
      'Creates an App Platform application: its namespace on every healthy cluster, owned by a group',
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().describe('The application and namespace name (RFC 1123)'),
        owner: z =>
          z.string().describe('The owning group, e.g. group:default/team-a'),
        title: z => z.string().max(200).optional(),
        description: z => z.string().max(2000).optional(),
        namespaceTemplate: z =>
          z
            .string()
            .optional()
            .describe('The namespace template; the default one when absent'),
        adopt: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Admins only: take over namespaces of this name that exist without the platform label',
            ),
        wait: z =>
          z
            .boolean()
            .default(true)
            .describe('Wait until the namespace is ready on every cluster'),
        timeoutSeconds: z => z.number().int().min(1).max(3600).default(300),
      },
      output: {
        name: z => z.string(),
        entityRef: z => z.string(),
        url: z => z.string(),
      },
    },
    async handler(ctx) {
      return withPlatformReasons(async () => {
        const { name, owner } = ctx.input;
        // The built-in reserved names; the platform also applies its configured ones.
        const problem = checkApplicationName(name);
        if (problem) throw new InputError(`name "${name}" ${problem}`);
        const access = await options.access(ctx);
        const outputs = () => {
          ctx.output('name', name);
          ctx.output('entityRef', `system:default/${name}`);
          ctx.output('url', `/catalog/default/system/${name}/app-platform`);
        };

        if (ctx.isDryRun) {
          const credentials = await ctx.getInitiatorCredentials();
          const wanted = [
            { permission: applicationCreatePermission },
            ...(ctx.input.adopt
              ? [{ permission: applicationAdoptPermission }]
              : []),
          ];
          const decisions = await options.permissions.authorize(wanted, {
            credentials,
          });
          decisions.forEach((d, i) => {
            if (d.result !== AuthorizeResult.ALLOW) {
              throw new NotAllowedError(
                `Not allowed: ${wanted[i].permission.name}`,
              );
            }
          });
          const existing = await access.client
            .getApplication(name, access.call)
            .catch(error => {
              if (statusOf(error) === 404) return undefined;
              throw error;
            });
          ctx.logger.info(
            existing
              ? `Dry run: application ${name} exists (owner ${
                  existing.owner
                }); a run would ${
                  existing.owner === owner ? 'reuse it' : 'refuse'
                }`
              : `Dry run: would create application ${name} owned by ${owner} on every healthy cluster`,
          );
          outputs();
          return;
        }

        const created = await ctx.checkpoint({
          key: `app-platform-application-${name}`,
          fn: async () => {
            try {
              await access.client.createApplication(
                {
                  name,
                  owner,
                  title: ctx.input.title,
                  description: ctx.input.description,
                  namespaceTemplate: ctx.input.namespaceTemplate,
                  adopt: ctx.input.adopt,
                },
                access.call,
              );
              return true;
            } catch (error) {
              if (statusOf(error) !== 409) throw error;
              // A retry of this step, or someone else's application.
              const existing = await access.client.getApplication(
                name,
                access.call,
              );
              if (existing.owner !== owner) {
                throw new ConflictError(
                  `Application "${name}" already exists, owned by ${existing.owner}`,
                );
              }
              return false;
            }
          },
        });
        ctx.logger.info(
          created
            ? `Created application ${name}, owned by ${owner}`
            : `Application ${name} exists with owner ${owner}; reusing it`,
        );
        if (ctx.input.wait) {
          await waitForNamespaces(access, name, {
            logger: ctx.logger,
            timeoutMs: ctx.input.timeoutSeconds * 1000,
            signal: ctx.signal,
          });
        }
        outputs();
      });
    },
  });
}
