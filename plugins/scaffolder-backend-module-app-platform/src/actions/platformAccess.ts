import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { deserializeError, ResponseError } from '@backstage/errors';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { ActionContext } from '@backstage/plugin-scaffolder-node';

/** The App Platform's REST API as the user who runs the template. */
export type PlatformAccess = {
  client: AppPlatformClient;
  /** The user's token for app-platform: their permissions apply. */
  call: { token: string };
};

/**
 * How an action reaches the App Platform: its REST API (the same domain
 * services and permission checks as every other caller) with a token the
 * scaffolder mints on behalf of the user who started the task.
 */
export type PlatformAccessFactory = (
  ctx: Pick<ActionContext<any, any>, 'getInitiatorCredentials'>,
) => Promise<PlatformAccess>;

export function createPlatformAccess(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  fetch?: typeof fetch;
}): PlatformAccessFactory {
  const client = AppPlatformClient.create({
    discovery: options.discovery,
    fetchApi: options.fetch ? { fetch: options.fetch } : undefined,
  });
  return async ctx => {
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: 'app-platform',
    });
    return { client, call: { token } };
  };
}

/** The HTTP status of a refused API call, if that is what the error is. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.response.status : undefined;
}

/** Links a finished task shows: the entity page and, for a service, its Deployments tab. */
export function serviceLinks(application: string, service: string) {
  return {
    entityRef: `component:${application}/${service}`,
    deploymentsUrl: `/catalog/${application}/component/${service}/deployments`,
  };
}

/**
 * Runs an action's body so that a refusal from the platform fails the step
 * with the platform's own reason (`Not allowed: app-platform.service.deploy
 * on "shop/web"`), not just the HTTP status, in the task log.
 */
export async function withPlatformReasons<T>(body: () => Promise<T>) {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ResponseError && error.body?.error?.message) {
      throw deserializeError(error.body.error);
    }
    throw error;
  }
}
