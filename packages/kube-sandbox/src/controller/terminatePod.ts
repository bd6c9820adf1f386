import { ControllerContext } from './ControllerContext';
import { now } from './objects';
import { podBehaviour } from './podBehaviour';

const COMPONENT = 'kubelet';

/**
 * Graceful termination of a deleted pod, `stoppingSince` being the real time
 * the kubelet first saw the deletion: the pod stops being Ready at once (so
 * endpoints drop it), its containers stop after `podStopMs` (or the whole
 * grace period for pods that ignore SIGTERM), then the API removes the pod
 * unless finalizers hold it. Until then it shows as Terminating.
 */
export function terminatePod(
  ctx: ControllerContext,
  pod: any,
  stoppingSince: number,
): boolean {
  if (pod.metadata.deletionGracePeriodSeconds === 0) return false;
  const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
  const stopMs = ctx.ms(
    podBehaviour(pod).ignoresSigterm ? grace : Math.min(grace, ctx.podStopMs),
  );
  const ts = now();
  const unready = (c: any) =>
    c.type === 'Ready' || c.type === 'ContainersReady'
      ? { ...c, status: 'False', lastTransitionTime: ts }
      : c;
  if (Date.now() - stoppingSince < stopMs) {
    const ready = (pod.status?.conditions ?? []).find(
      (c: any) => c.type === 'Ready',
    );
    if (ready?.status !== 'True') return false;
    for (const c of pod.spec?.containers ?? []) {
      ctx.recordEvent(
        pod,
        'Normal',
        'Killing',
        `Stopping container ${c.name}`,
        COMPONENT,
      );
    }
    ctx.write(ctx.t.pods, {
      ...pod,
      status: {
        ...pod.status,
        conditions: (pod.status?.conditions ?? []).map(unready),
      },
    });
    return true;
  }
  const statuses = (pod.status?.containerStatuses ?? []).map((c: any) => ({
    ...c,
    ready: false,
    started: false,
    state: c.state?.running
      ? {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: c.state.running.startedAt,
            finishedAt: ts,
          },
        }
      : c.state,
  }));
  const restarts = (pod.spec?.restartPolicy ?? 'Always') === 'Always';
  const stopped = ctx.write(ctx.t.pods, {
    ...pod,
    status: {
      ...pod.status,
      // A pod that should have kept running did not complete: Failed.
      phase: restarts ? 'Failed' : pod.status?.phase,
      containerStatuses: statuses,
      conditions: (pod.status?.conditions ?? []).map(unready),
    },
  });
  ctx.api.finishPodTermination(stopped);
  return true;
}
