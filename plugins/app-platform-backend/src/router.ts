import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { HealthService } from './health/HealthService';

/**
 * The REST API. Routes stay thin: they validate (the OpenAPI router does that
 * from `schema/openapi.yaml`), check permissions and call a domain service.
 */
export async function createRouter(options: {
  health: HealthService;
}): Promise<express.Router> {
  const router = await createOpenApiRouter();

  router.get('/health', async (_req, res) => {
    const health = await options.health.check();
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });

  return router;
}
