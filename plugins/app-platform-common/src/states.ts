/**
 * Rollout state of a service (or one version of it) on one cluster.
 * `stopped` is a service scaled to zero.
 *
 * @public
 */
export type ServiceRolloutState =
  | 'pending'
  | 'deploying'
  | 'running'
  | 'failed'
  | 'stopped';

/**
 * State of an application: the aggregate of its services' states.
 *
 * @public
 */
export type ApplicationState =
  | 'pending'
  | 'deploying'
  | 'running'
  | 'degraded'
  | 'failed';

/**
 * Health of a registered cluster. Only healthy clusters receive commands;
 * `unknown` until the first probe.
 *
 * @public
 */
export type ClusterHealth = 'unknown' | 'healthy' | 'unreachable';

/**
 * State of a deployment record: one attempt to put a version on clusters.
 *
 * @public
 */
export type DeploymentRecordState =
  | 'deploying'
  | 'succeeded'
  | 'failed'
  | 'superseded';

/**
 * Derives an application's state from the states of its services, as the
 * portal shows it: any rollout in progress wins, then failures decide between
 * `degraded` (some failed) and `failed` (all failed).
 *
 * @public
 */
export function deriveApplicationState(
  services: ReadonlyArray<ServiceRolloutState>,
): ApplicationState {
  if (services.length === 0 || services.every(s => s === 'pending')) {
    return 'pending';
  }
  if (services.some(s => s === 'deploying')) {
    return 'deploying';
  }
  const failed = services.filter(s => s === 'failed').length;
  if (failed === services.length) {
    return 'failed';
  }
  if (failed > 0) {
    return 'degraded';
  }
  return services.some(s => s === 'pending') ? 'deploying' : 'running';
}
