import { ControllerContext } from './ControllerContext';
import {
  isActivePod,
  isPodReady,
  mergeConditions,
  now,
  ownedBy,
  sameJson,
} from './objects';
import { podFromTemplate } from './podFromTemplate';
import { Reconciler } from './Reconciler';
import { labelSelectorFromObject } from '../server/selectors';

const COMPONENT = 'replicaset-controller';

/**
 * The replicaset controller: keeps `spec.replicas` active pods, removing
 * not-ready and newest pods first. When the API refuses a pod (quota, limit
 * range) it records FailedCreate and the `ReplicaFailure` condition, and
 * retries with a backoff instead of on every tick.
 */
export class ReplicaSetController implements Reconciler {
  readonly name = 'replicaset';
  /** ReplicaSet uid → earliest real time of the next creation attempt. */
  private readonly retryAt = new Map<
    string,
    { at: number; failures: number }
  >();

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new ReplicaSetController(ctx);
  }

  /** Only a creation retry's back-off waits on the clock. */
  waitsOnClock() {
    return this.retryAt.size > 0;
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    for (const rs of this.ctx.store.list(this.ctx.t.replicasets)) {
      changed = safely(rs, () => this.reconcile(rs)) || changed;
    }
    return changed;
  }

  private pods(rs: any) {
    const selector = labelSelectorFromObject(rs.spec.selector);
    return this.ctx.store
      .list(this.ctx.t.pods, rs.metadata.namespace)
      .filter(p => ownedBy(p, rs) && selector(p));
  }

  reconcile(rs: any): boolean {
    const { ctx } = this;
    if (ctx.terminating(rs.metadata.namespace)) return false;
    if (rs.metadata.deletionTimestamp) return false;
    let changed = false;
    let failure: string | undefined;
    const active = this.pods(rs).filter(isActivePod);
    const desired = rs.spec.replicas ?? 1;
    const uid = rs.metadata.uid;
    if (active.length < desired) {
      const retry = this.retryAt.get(uid);
      if (!retry || Date.now() >= retry.at) {
        for (let i = active.length; i < desired; i++) {
          const { error } = podFromTemplate(
            ctx,
            rs,
            { generateName: `${rs.metadata.name}-` },
            {},
            COMPONENT,
          );
          changed = true;
          if (error) {
            failure = error;
            const failures = (retry?.failures ?? 0) + 1;
            // Backs off like the controller's rate-limited work queue.
            const delay = ctx.ms(Math.min(1000 * 2 ** (failures - 1), 60000));
            this.retryAt.set(uid, { at: Date.now() + delay, failures });
            break;
          }
          this.retryAt.delete(uid);
        }
      } else {
        failure = this.failureCondition(rs)?.message;
      }
    } else if (active.length > desired) {
      this.retryAt.delete(uid);
      // Remove not-ready pods first, newest first, like the real controller.
      const victims = [...active]
        .sort(
          (a, b) =>
            Number(isPodReady(a)) - Number(isPodReady(b)) ||
            String(b.metadata.creationTimestamp).localeCompare(
              String(a.metadata.creationTimestamp),
            ),
        )
        .slice(0, active.length - desired);
      for (const p of victims) {
        ctx.api.delete(ctx.t.pods, p.metadata.namespace, p.metadata.name);
        ctx.recordEvent(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${p.metadata.name}`,
          COMPONENT,
        );
      }
      changed = true;
    } else {
      this.retryAt.delete(uid);
    }
    const pods = this.pods(rs).filter(isActivePod);
    const ready = pods.filter(isPodReady).length;
    const latest = ctx.latest(ctx.t.replicasets, rs) ?? rs;
    const conditions = failure
      ? mergeConditions(latest.status?.conditions, [
          {
            type: 'ReplicaFailure',
            status: 'True',
            lastTransitionTime: now(),
            reason: 'FailedCreate',
            message: failure,
          },
        ])
      : [];
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
    if (!sameJson(status, latest.status)) {
      ctx.write(ctx.t.replicasets, { ...latest, status });
      changed = true;
    }
    return changed;
  }

  private failureCondition(rs: any) {
    return (rs.status?.conditions ?? []).find(
      (c: any) => c.type === 'ReplicaFailure',
    );
  }
}
