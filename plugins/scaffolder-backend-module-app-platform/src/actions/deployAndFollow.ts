import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentRecord,
  DeployRequest,
} from '@internal/plugin-app-platform-common';
import { PlatformAccess, statusOf } from './platformAccess';
import { waitForRecord } from './waitForSettled';

type Context = Pick<
  ActionContext<any, any>,
  'checkpoint' | 'logger' | 'output' | 'signal'
>;
type Target = { application: string; service: string; request: DeployRequest };

/**
 * Starts a deploy once per task step: the record's id is the step's
 * checkpoint, so a retried task follows the record it already started. When
 * the earlier attempt reached the platform but not its checkpoint, the
 * platform answers 409 naming the record in flight; that record is ours if
 * it deploys the same image.
 */
async function deployOnce(
  ctx: Context,
  access: PlatformAccess,
  target: Target,
): Promise<DeploymentRecord> {
  const { application, service, request } = target;
  const id = await ctx.checkpoint({
    key: `app-platform-deploy-${application}-${service}`,
    fn: async () => {
      try {
        return (
          await access.client.deploy(application, service, request, access.call)
        ).id;
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        const status = await access.client.getServiceStatus(
          application,
          service,
          access.call,
        );
        const inFlight = status.inFlight
          ? await access.client.getDeployment(
              application,
              service,
              status.inFlight,
              access.call,
            )
          : undefined;
        const image = request.spec?.image;
        if (!inFlight || !image || inFlight.spec?.image !== image) throw error;
        ctx.logger.info(`Following deployment ${inFlight.id}, already started`);
        return inFlight.id;
      }
    },
  });
  const record = await access.client.getDeployment(
    application,
    service,
    id,
    access.call,
  );
  ctx.logger.info(
    `Deployment ${record.id}: ${record.action} v${
      record.version
    } to ${record.targets.map(t => t.cluster).join(', ')}`,
  );
  return record;
}

/**
 * Deploys (once per task), outputs the record and its version and, when
 * asked, follows the rollout per cluster until it settles; a failed rollout
 * fails the step with each cluster's reason.
 */
export async function deployAndFollow(
  ctx: Context,
  access: PlatformAccess,
  target: Target,
  follow: { wait: boolean; timeoutSeconds: number },
): Promise<DeploymentRecord> {
  const record = await deployOnce(ctx, access, target);
  ctx.output('deploymentId', record.id);
  ctx.output('version', record.version ?? 0);
  if (follow.wait) {
    await waitForRecord(access, record, {
      logger: ctx.logger,
      timeoutMs: follow.timeoutSeconds * 1000,
      signal: ctx.signal,
    });
    ctx.logger.info(
      `${target.application}/${target.service} runs version ${record.version}`,
    );
  }
  return record;
}
