/** One simulated control loop, run by the Controller on every tick. */
export interface Reconciler {
  /** Name as kube-controller-manager would log it, e.g. `deployment`. */
  readonly name: string;
  /**
   * Brings every object of its kind one step closer to the desired state.
   * `safely` isolates failures per object. Returns whether anything changed.
   */
  reconcileAll(safely: (obj: any, f: () => boolean) => boolean): boolean;
}
