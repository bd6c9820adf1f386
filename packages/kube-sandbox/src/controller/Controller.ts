import type { KubeApi } from '../server/KubeApi';
import { typeKeyOf } from '../server/ObjectStore';
import {
  ClusterSettings,
  ControllerContext,
  ControllerTimings,
  EventType,
} from './ControllerContext';
import { DeploymentController } from './DeploymentController';
import { EndpointsController } from './EndpointsController';
import { GarbageCollector } from './GarbageCollector';
import { JobController } from './JobController';
import { Kubelet } from './Kubelet';
import { NamespaceController } from './NamespaceController';
import { Reconciler } from './Reconciler';
import { ReplicaSetController } from './ReplicaSetController';
import { ResourceQuotaController } from './ResourceQuotaController';
import { Scheduler } from './Scheduler';
import { StatefulSetController } from './StatefulSetController';
import { VolumeProvisioner } from './VolumeProvisioner';

export type { ClusterSettings, ControllerTimings } from './ControllerContext';

/** Kinds whose changes trigger an immediate reconcile (others wait for the timer). */
const WATCHED = [
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['batch', 'jobs'],
  ['', 'pods'],
  ['', 'services'],
  ['', 'namespaces'],
  ['', 'configmaps'],
  ['', 'secrets'],
  ['', 'persistentvolumeclaims'],
  ['', 'resourcequotas'],
];

/**
 * A tiny stand-in for kube-controller-manager, the scheduler and a kubelet,
 * as one list of control loops run in order on every tick (a few passes so
 * changes ripple: Deployment → ReplicaSet → Pod → status). Time-based
 * transitions use real timers scaled by `speed`; `tick()` reconciles at once.
 */
export class Controller {
  private readonly ctx: ControllerContext;
  private readonly gc: GarbageCollector;
  private readonly loops: Reconciler[];
  private readonly tickIntervalMs: number;
  private interval?: NodeJS.Timeout;
  private scheduled?: NodeJS.Immediate;
  private unsubscribe?: () => void;
  private reconciling = false;
  /**
   * The store's revision when each loop last ran, changed nothing and left
   * nothing waiting on the clock.
   */
  private readonly idleAt = new Map<Reconciler, number>();
  /** The last reconcile error per object, for debugging from tests. */
  readonly errors = new Map<string, string>();

  private constructor(
    api: KubeApi,
    timings: ControllerTimings,
    settings: ClusterSettings,
  ) {
    const ctx = ControllerContext.create(api, timings, settings);
    this.ctx = ctx;
    this.gc = GarbageCollector.create(ctx);
    this.loops = [
      NamespaceController.create(ctx),
      this.gc,
      DeploymentController.create(ctx),
      ReplicaSetController.create(ctx),
      StatefulSetController.create(ctx),
      JobController.create(ctx),
      VolumeProvisioner.create(ctx),
      Scheduler.create(ctx),
      Kubelet.create(ctx),
      EndpointsController.create(ctx),
      ResourceQuotaController.create(ctx),
    ];
    this.tickIntervalMs =
      timings.tickIntervalMs ?? Math.max(10, Math.round(200 / ctx.speed));
  }

  static create(
    api: KubeApi,
    timings: ControllerTimings = {},
    settings: ClusterSettings = {},
  ) {
    const c = new Controller(api, timings, settings);
    if (timings.autoTick !== false) c.start();
    return c;
  }

  /** Names of the control loops, in the order they run. */
  get loopNames() {
    return this.loops.map(l => l.name);
  }

  start() {
    if (this.interval) return;
    this.gc.watch();
    this.interval = setInterval(() => this.tick(), this.tickIntervalMs);
    this.interval.unref();
    const watched = new Set(
      WATCHED.map(([g, p]) => typeKeyOf(this.ctx.registry.get(g, p))),
    );
    this.unsubscribe = this.ctx.store.subscribe(undefined, e => {
      if (!this.reconciling && watched.has(e.typeKey)) this.schedule();
    });
  }

  stop() {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Stops for good, including the garbage collector's deletion feed. */
  dispose() {
    this.stop();
    this.gc.stop();
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.tick();
    });
  }

  /** Reconciles everything once. Safe to call from tests at any time. */
  tick() {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      for (let i = 0; i < 3; i++) {
        let changed = false;
        for (const loop of this.loops) {
          changed = this.run(loop) || changed;
        }
        if (!changed) break;
      }
    } finally {
      this.reconciling = false;
    }
  }

  private run(loop: Reconciler): boolean {
    const revision = this.ctx.store.currentRevision();
    if (this.idleAt.get(loop) === revision) return false;
    const changed = loop.reconcileAll((obj, f) => this.safely(obj, f));
    if (
      !changed &&
      this.ctx.store.currentRevision() === revision &&
      loop.waitsOnClock?.() === false
    ) {
      this.idleAt.set(loop, revision);
    } else {
      this.idleAt.delete(loop);
    }
    return changed;
  }

  // One broken object (say, a name clash with an unowned ReplicaSet) must not
  // stop the controller or, running from a timer, crash the process.
  private safely(obj: any, reconcile: () => boolean): boolean {
    const key = `${obj.kind}/${obj.metadata.namespace ?? ''}/${
      obj.metadata.name
    }`;
    try {
      const changed = reconcile();
      this.errors.delete(key);
      return changed;
    } catch (e) {
      this.errors.set(key, String((e as Error)?.message ?? e));
      return false;
    }
  }

  /** Records a core/v1 Event about `obj`, aggregating repeats via count. */
  recordEvent(
    obj: any,
    type: EventType,
    reason: string,
    message: string,
    component = 'sandbox-controller',
  ) {
    this.ctx.recordEvent(obj, type, reason, message, component);
  }
}
