import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentRecord,
  DeployRequest,
} from '@internal/plugin-app-platform-common';
import { PlatformAccess, statusOf } from './platformAccess';

/**
 * Starts a deploy once per task step: the record's id is the step's
 * checkpoint, so a retried task follows the record it already started. When
 * the earlier attempt reached the platform but not its checkpoint, the
 * platform answers 409 naming the record in flight; that record is ours if
 * it deploys the same image.
 */
export async function deployOnce(
  ctx: Pick<ActionContext<any, any>, 'checkpoint' | 'logger'>,
  access: PlatformAccess,
  target: { application: string; service: string; request: DeployRequest },
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
