import {
  Cluster,
  ClusterEnvironment,
} from '@internal/plugin-app-platform-common';

/** The environments in the order people meet them: test before production. */
export const ENVIRONMENTS: ClusterEnvironment[] = ['test', 'production'];

/** The clusters of one environment, by name. */
export function clustersOf(
  clusters: Cluster[],
  environment: ClusterEnvironment,
): Cluster[] {
  return clusters
    .filter(cluster => cluster.environment === environment)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The names of the healthy clusters among `clusters`, by name. */
export function healthyNames(clusters: Cluster[]): string[] {
  return clusters
    .filter(cluster => cluster.health === 'healthy')
    .map(cluster => cluster.name)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * Why a cluster cannot be chosen, or undefined when it can: only healthy
 * clusters receive commands. The probe's own reason is there only for
 * callers allowed `app-platform.cluster.read` (admins); others get the gist.
 */
export function whyNotSelectable(cluster: Cluster): string | undefined {
  switch (cluster.health) {
    case 'healthy':
      return undefined;
    case 'unreachable':
      return `Unreachable, so it cannot be chosen: ${
        cluster.healthReason ?? 'the platform cannot reach its API server'
      }`;
    default:
      return 'Not checked yet, so it cannot be chosen: it can be once the platform has reached it';
  }
}
