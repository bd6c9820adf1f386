import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentRecord,
  DeployRequest,
  isMiddlewareSpec,
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
): Promise<string> {
  const { application, service, request } = target;
  return ctx.checkpoint({
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
        const image = request.spec?.image ?? request.image;
        if (
          !inFlight ||
          !image ||
          isMiddlewareSpec(inFlight.spec) ||
          inFlight.spec?.image !== image
        ) {
          throw error;
        }
        ctx.logger.info(`Following deployment ${inFlight.id}, already started`);
        return inFlight.id;
      }
    },
  });
}

/**
 * Reads a record the step started, outputs its id, logs where it goes and,
 * when asked, follows the rollout per cluster until it settles; a failed
 * rollout fails the step with each cluster's reason. Services and
 * middleware instances alike: an instance's records live under the
 * services routes by its name.
 */
export async function followDeployment(
  ctx: Omit<Context, 'checkpoint'>,
  access: PlatformAccess,
  target: { application: string; service: string; id: string },
  follow: { wait: boolean; timeoutSeconds: number },
): Promise<DeploymentRecord> {
  const record = await access.client.getDeployment(
    target.application,
    target.service,
    target.id,
    access.call,
  );
  ctx.output('deploymentId', record.id);
  ctx.logger.info(
    `Deployment ${record.id}: ${record.action} v${
      record.version
    } to ${record.targets.map(t => t.cluster).join(', ')}`,
  );
  if (!follow.wait) return record;
  return waitForRecord(access, record, {
    logger: ctx.logger,
    timeoutMs: follow.timeoutSeconds * 1000,
    signal: ctx.signal,
  });
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
  const id = await deployOnce(ctx, access, target);
  const record = await followDeployment(
    ctx,
    access,
    { application: target.application, service: target.service, id },
    follow,
  );
  ctx.output('version', record.version ?? 0);
  if (follow.wait) {
    ctx.logger.info(
      `${target.application}/${target.service} runs version ${record.version}`,
    );
  }
  return record;
}
