/** One simulated control loop, run by the Controller on every tick. */
export interface Reconciler {
  /** Name as kube-controller-manager would log it, e.g. `deployment`. */
  readonly name: string;
  /**
   * Whether its last run left anything waiting on the clock alone (a pod
   * starting, a rollout's deadline, a retry's back-off). While nothing is,
   * and the store has not changed since a run of it that changed nothing,
   * the Controller skips it: a tick every 10 ms on every sandbox adds up.
   * A loop without it is run on every tick.
   */
  waitsOnClock?(): boolean;
  /**
   * Brings every object of its kind one step closer to the desired state.
   * `safely` isolates failures per object. Returns whether anything changed.
   */
  reconcileAll(safely: (obj: any, f: () => boolean) => boolean): boolean;
}
