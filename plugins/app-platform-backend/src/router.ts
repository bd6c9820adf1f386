import { ApiRouter } from '@backstage/backend-openapi-utils';
import express from 'express';
import { createOpenApiRouter, spec } from './schema/openapi.generated';
import { HealthService } from './health/HealthService';

/** The router typed by `schema/openapi.yaml`; domains add their routes to it. */
export type AppPlatformRouter = ApiRouter<typeof spec>;

/**
 * The REST API. Routes stay thin: they validate (the OpenAPI router does that
 * from `schema/openapi.yaml`), check permissions and call a domain service.
 * Each domain registers its routes through a `register...Routes(router, deps)`
 * function of its own folder.
 */
export async function createRouter(options: {
  health: HealthService;
  registrations?: Array<(router: AppPlatformRouter) => void>;
}): Promise<express.Router> {
  const router = await createOpenApiRouter();

  router.get('/health', async (_req, res) => {
    const health = await options.health.check();
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });

  for (const register of options.registrations ?? []) {
    register(router);
  }

  return router;
}
