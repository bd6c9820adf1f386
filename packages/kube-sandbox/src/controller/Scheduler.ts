import { ControllerContext, NODE_NAME } from './ControllerContext';
import { isActivePod, mergeConditions, now } from './objects';
import { Reconciler } from './Reconciler';
import { parseQuantity } from '../server/quantity';

const COMPONENT = 'default-scheduler';
const NOT_HELPFUL =
  'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
const NO_VICTIMS =
  'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

/** What a pod asks of a node: the larger of its containers' and init containers' requests. */
export function podRequests(pod: any) {
  const sum = (res: string) =>
    (pod.spec?.containers ?? []).reduce(
      (n: number, c: any) =>
        n + (parseQuantity(c.resources?.requests?.[res]) ?? 0),
      0,
    );
  const init = (res: string) =>
    Math.max(
      0,
      ...(pod.spec?.initContainers ?? []).map(
        (c: any) => parseQuantity(c.resources?.requests?.[res]) ?? 0,
      ),
    );
  return {
    cpu: Math.max(sum('cpu'), init('cpu')),
    memory: Math.max(sum('memory'), init('memory')),
  };
}

/**
 * The scheduler, for a single node `sandbox-node`: a pod is bound when its
 * PersistentVolumeClaims are bound and its requests fit what the node has
 * left; otherwise it stays Pending with `PodScheduled=False`, reason
 * Unschedulable and FailedScheduling events in kube-scheduler's words.
 */
export class Scheduler implements Reconciler {
  readonly name = 'scheduler';
  /** Its result depends on the store alone, never on the clock. */
  readonly waitsOnClock = () => false;
  private readonly capacity: { cpu: number; memory: number; pods: number };

  private constructor(private readonly ctx: ControllerContext) {
    const c = ctx.settings.nodeCapacity ?? {};
    this.capacity = {
      cpu: parseQuantity(c.cpu ?? '4') ?? 4,
      memory: parseQuantity(c.memory ?? '16Gi') ?? 16 * 2 ** 30,
      pods: c.pods ?? 110,
    };
  }

  static create(ctx: ControllerContext) {
    return new Scheduler(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    const { ctx } = this;
    const pods = ctx.store.list(ctx.t.pods);
    const pending = pods.filter(
      p =>
        !p.spec?.nodeName &&
        !p.metadata.deletionTimestamp &&
        isActivePod(p) &&
        !ctx.terminating(p.metadata.namespace),
    );
    if (pending.length === 0) return false;
    const used = { cpu: 0, memory: 0, pods: 0 };
    for (const p of pods) {
      if (!p.spec?.nodeName || !isActivePod(p)) continue;
      const r = podRequests(p);
      used.cpu += r.cpu;
      used.memory += r.memory;
      used.pods += 1;
    }
    let changed = false;
    for (const pod of pending) {
      changed = safely(pod, () => this.schedule(pod, used)) || changed;
    }
    return changed;
  }

  private unboundClaim(pod: any): string | undefined {
    const { ctx } = this;
    for (const v of pod.spec?.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const pvc = ctx.store.get(ctx.t.pvcs, pod.metadata.namespace, claim);
      if (!pvc) {
        return `0/1 nodes are available: persistentvolumeclaim "${claim}" not found. ${NOT_HELPFUL}`;
      }
      if (pvc.status?.phase !== 'Bound') {
        return `0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. ${NOT_HELPFUL}`;
      }
    }
    return undefined;
  }

  private schedule(
    pod: any,
    used: { cpu: number; memory: number; pods: number },
  ): boolean {
    const { ctx } = this;
    const r = podRequests(pod);
    let message = this.unboundClaim(pod);
    if (!message) {
      const reasons: string[] = [];
      if (used.cpu + r.cpu > this.capacity.cpu)
        reasons.push('1 Insufficient cpu');
      if (used.memory + r.memory > this.capacity.memory) {
        reasons.push('1 Insufficient memory');
      }
      if (used.pods + 1 > this.capacity.pods) reasons.push('1 Too many pods');
      if (reasons.length > 0) {
        message = `0/1 nodes are available: ${reasons.join(
          ', ',
        )}. ${NO_VICTIMS}`;
      }
    }
    const previous = (pod.status?.conditions ?? []).find(
      (c: any) => c.type === 'PodScheduled',
    );
    if (message) {
      if (previous?.message === message) return false;
      ctx.write(ctx.t.pods, {
        ...pod,
        status: {
          ...pod.status,
          phase: 'Pending',
          conditions: mergeConditions(pod.status?.conditions, [
            {
              type: 'PodScheduled',
              status: 'False',
              lastTransitionTime: now(),
              reason: 'Unschedulable',
              message,
            },
          ]),
        },
      });
      ctx.recordEvent(pod, 'Warning', 'FailedScheduling', message, COMPONENT);
      return true;
    }
    used.cpu += r.cpu;
    used.memory += r.memory;
    used.pods += 1;
    const bound = ctx.write(ctx.t.pods, {
      ...pod,
      spec: { ...pod.spec, nodeName: NODE_NAME },
      status: {
        ...pod.status,
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now() },
        ],
      },
    });
    ctx.recordEvent(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
      COMPONENT,
    );
    return true;
  }
}
