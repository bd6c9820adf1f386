import { ClusterConnection } from '../kube/KubeClients';

/** Which part of a domain a pass looks at: everything, or one target. */
export type ReconcileScope = {
  /** Only this target (e.g. one application). */
  target?: string;
};

/**
 * One target on one cluster as a domain sees it after a cheap look at the
 * cluster and the database.
 */
export type ObservedTarget = {
  /** The target's key within its domain, e.g. an application's name. */
  target: string;
  /** Whether the target should be on the cluster, or be removed from it. */
  desired: 'present' | 'absent';
  /** The cluster already is as desired: nothing to do. */
  inSync: boolean;
};

/**
 * One kind of thing the reconciler drives onto clusters. The database holds
 * the desired state; `observe` compares it with the cluster (one call per
 * cluster, not per target), and `converge` makes one target right. `converge`
 * must be idempotent: it runs again after a crash, a timeout or a failure,
 * and on two replicas at once.
 */
export interface ReconcileDomain {
  /** Stored with each target's status; at most 32 characters. */
  readonly name: string;

  /**
   * Every target that should be on the cluster, and every target of ours that
   * is on the cluster and should not be. Throws when the cluster cannot be
   * observed: every target of the domain on that cluster then fails the pass.
   */
  observe(
    cluster: ClusterConnection,
    scope: ReconcileScope,
  ): Promise<ObservedTarget[]>;

  /** Makes one target on one cluster as desired; throws with the reason when it cannot. */
  converge(cluster: ClusterConnection, target: ObservedTarget): Promise<void>;

  /**
   * After a pass over the healthy clusters: finishes what depends on every
   * cluster, e.g. forgets a deleted application once no healthy cluster has it.
   */
  settle?(healthyClusters: ReadonlyArray<string>): Promise<void>;
}
