/**
 * One named check of the backend's health.
 *
 * @public
 */
export type HealthCheck = {
  name: string;
  status: 'ok' | 'failing';
  message?: string;
};

/**
 * The backend's health, from `GET /api/app-platform/health`: `ok` only when
 * every check passes.
 *
 * @public
 */
export type Health = {
  status: 'ok' | 'degraded';
  checks: HealthCheck[];
};
