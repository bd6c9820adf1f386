import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ApiRouter } from '@backstage/backend-openapi-utils';
import express from 'express';
import { createOpenApiRouter, spec } from './schema/openapi.generated';
import { HealthService } from './health/HealthService';
import { keepRawBody } from './http/rawBody';
import { rejectNulCharacters } from './http/rejectNulCharacters';
import { uniqueViolationAsConflict } from './http/uniqueViolationAsConflict';

/** `/health` as express matches it: case-insensitively, trailing slash allowed. */
function isHealthPath(path: string): boolean {
  return /^\/health\/?$/i.test(path);
}

/** `POST /ci/{provider}`: CI webhooks, verified by their provider instead. */
function isWebhookPath(path: string): boolean {
  return /^\/ci\/[^/]+\/?$/i.test(path);
}

/** The router typed by `schema/openapi.yaml`; domains add their routes to it. */
export type AppPlatformRouter = ApiRouter<typeof spec>;

/**
 * The REST API. Routes stay thin: they validate (the OpenAPI router does that
 * from `schema/openapi.yaml`), check permissions and call a domain service.
 * Each domain registers its routes through a `register...Routes(router, deps)`
 * function of its own folder.
 *
 * Authentication happens before any of this, in Backstage's credentials
 * barrier: every route needs a user or a service except `/health` (the
 * plugin's only `unauthenticated` auth policy). The router checks it again,
 * so an auth policy added by mistake opens nothing.
 */
export async function createRouter(options: {
  health: HealthService;
  httpAuth: HttpAuthService;
  registrations?: Array<(router: AppPlatformRouter) => void>;
  /**
   * Routes the schema cannot describe (the clusters' read proxy, whose paths
   * are any Kubernetes API path), answered before the schema's router.
   */
  unschematized?: express.Router[];
}): Promise<express.Router> {
  const { httpAuth } = options;
  // Above express's 100 kB default, so an oversized field (a 1 MB env value)
  // reaches the schema and is refused naming the field, not as "too large".
  const router = await createOpenApiRouter({
    middleware: [express.json({ limit: '2mb', verify: keepRawBody })],
  });
  router.use(rejectNulCharacters());

  router.get('/health', async (req, res) => {
    const health = await options.health.check();
    const status = health.status === 'ok' ? 200 : 503;
    // Open to probes without credentials, which get only ok/not ok: the
    // checks' messages may tell an outsider what is broken inside.
    const signedIn = await httpAuth
      .credentials(req, { allow: ['user', 'service'] })
      .then(
        () => true,
        () => false,
      );
    res.status(status).json(signedIn ? health : { status: health.status });
  });

  for (const register of options.registrations ?? []) {
    register(router);
  }

  // A unique key that two concurrent requests both passed the checks for.
  router.use(uniqueViolationAsConflict());

  // Every route but /health and the CI webhooks needs a user or a service
  // (401 without credentials), checked before the body is parsed and validated.
  const outer = express.Router();
  outer.use((req, _res, next) => {
    if (
      isHealthPath(req.path) ||
      (req.method === 'POST' && isWebhookPath(req.path))
    ) {
      next();
      return;
    }
    httpAuth
      .credentials(req, { allow: ['user', 'service'] })
      .then(() => next(), next);
  });
  for (const unschematized of options.unschematized ?? []) {
    outer.use(unschematized);
  }
  outer.use(router);
  return outer;
}
