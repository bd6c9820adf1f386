import { ControllerContext } from './ControllerContext';
import { isPodReady, mergeConditions, now, ownedBy, sameJson } from './objects';
import { podFromTemplate } from './podFromTemplate';
import { Reconciler } from './Reconciler';

const COMPONENT = 'job-controller';

function jobCondition(type: string, reason: string, message: string) {
  const t = now();
  return {
    type,
    status: 'True',
    lastProbeTime: t,
    lastTransitionTime: t,
    reason,
    message,
  };
}

/**
 * The job controller (batch/v1): runs pods until `completions` succeeded
 * (conditions SuccessCriteriaMet and Complete) or more than `backoffLimit`
 * failed (FailureTarget and Failed, active pods removed). A pod fails when
 * it exits non-zero (annotation `sandbox.app-platform.io/fail: exit`);
 * restarts of `OnFailure` pods count as failures, as in Kubernetes.
 */
export class JobController implements Reconciler {
  readonly name = 'job';

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new JobController(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    for (const job of this.ctx.store.list(this.ctx.t.jobs)) {
      changed = safely(job, () => this.reconcile(job)) || changed;
    }
    return changed;
  }

  reconcile(job: any): boolean {
    const { ctx } = this;
    if (ctx.terminating(job.metadata.namespace)) return false;
    if (job.metadata.deletionTimestamp) return false;
    const finished = (job.status?.conditions ?? []).some(
      (c: any) =>
        (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    if (finished) return false;
    let changed = false;
    const ns = job.metadata.namespace;
    const pods = () =>
      ctx.store.list(ctx.t.pods, ns).filter(p => ownedBy(p, job));
    const completions = job.spec.completions ?? 1;
    const parallelism = job.spec.parallelism ?? 1;
    const backoffLimit = job.spec.backoffLimit ?? 6;

    let all = pods();
    const count = () => {
      const succeeded = all.filter(p => p.status?.phase === 'Succeeded').length;
      const failedPods = all.filter(p => p.status?.phase === 'Failed').length;
      const restarts = all.reduce(
        (n, p) =>
          n +
          (p.status?.containerStatuses ?? []).reduce(
            (m: number, c: any) => m + (c.restartCount ?? 0),
            0,
          ),
        0,
      );
      const active = all.filter(
        p =>
          !p.metadata.deletionTimestamp &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
      return { succeeded, failed: failedPods, restarts, active };
    };
    let c = count();
    const suspended = Boolean(job.spec.suspend);
    const failedOut = c.failed + c.restarts > backoffLimit;
    const complete = c.succeeded >= completions;
    if (!failedOut && !complete && !suspended) {
      const want = Math.min(parallelism, completions - c.succeeded);
      for (let i = c.active.length; i < want; i++) {
        const { error } = podFromTemplate(
          ctx,
          job,
          { generateName: `${job.metadata.name}-` },
          {
            'batch.kubernetes.io/controller-uid': job.metadata.uid,
            'batch.kubernetes.io/job-name': job.metadata.name,
            'controller-uid': job.metadata.uid,
            'job-name': job.metadata.name,
          },
          COMPONENT,
        );
        if (error) break;
        changed = true;
      }
    }
    if (failedOut || complete) {
      for (const p of c.active) {
        ctx.api.delete(ctx.t.pods, ns, p.metadata.name);
        changed = true;
      }
    }
    all = pods();
    c = count();
    const t = now();
    let conditions: any[] = job.status?.conditions ?? [];
    let completionTime: string | undefined;
    if (complete) {
      conditions = mergeConditions(conditions, [
        jobCondition(
          'SuccessCriteriaMet',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
        ),
        jobCondition(
          'Complete',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
        ),
      ]);
      completionTime = t;
      ctx.recordEvent(job, 'Normal', 'Completed', 'Job completed', COMPONENT);
    } else if (failedOut) {
      const message = 'Job has reached the specified backoff limit';
      conditions = mergeConditions(conditions, [
        jobCondition('FailureTarget', 'BackoffLimitExceeded', message),
        jobCondition('Failed', 'BackoffLimitExceeded', message),
      ]);
      ctx.recordEvent(
        job,
        'Warning',
        'BackoffLimitExceeded',
        message,
        COMPONENT,
      );
    }
    const latest = ctx.latest(ctx.t.jobs, job) ?? job;
    const status: any = {
      ...(conditions.length > 0 ? { conditions } : {}),
      startTime: latest.status?.startTime ?? t,
      ...(completionTime ? { completionTime } : {}),
      ...(c.active.length > 0 ? { active: c.active.length } : {}),
      ...(c.succeeded > 0 ? { succeeded: c.succeeded } : {}),
      ...(c.failed + c.restarts > 0 ? { failed: c.failed + c.restarts } : {}),
      ready: c.active.filter(isPodReady).length,
      terminating: all.filter(p => p.metadata.deletionTimestamp).length,
      uncountedTerminatedPods: {},
    };
    if (!sameJson(status, latest.status)) {
      ctx.write(ctx.t.jobs, { ...latest, status });
      changed = true;
    }
    return changed;
  }
}
