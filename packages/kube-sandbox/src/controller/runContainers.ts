import { createHash, randomBytes } from 'node:crypto';
import { ControllerContext } from './ControllerContext';
import { EmitOnce } from './containerStatus';
import { now } from './objects';
import { PodBehaviour } from './podBehaviour';

/** What the kubelet reports of a pod whose containers could start. */
export interface RunResult {
  phase: string;
  ready: boolean;
  statuses: any[];
}

function probeFailure(pod: any, c: any) {
  const probe = c.readinessProbe ?? {};
  const ip = pod.status?.podIP ?? '10.244.0.1';
  if (probe.tcpSocket) {
    return `Readiness probe failed: dial tcp ${ip}:${probe.tcpSocket.port}: connect: connection refused`;
  }
  if (probe.exec) {
    return 'Readiness probe failed: command failed with exit code 1';
  }
  return 'Readiness probe failed: HTTP probe failed with statuscode: 503';
}

function backOffMessage(pod: any, c: any) {
  return `back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Why a container stopped, as the runtime reports it. */
function terminationReason(exitCode: number, oom: boolean) {
  if (exitCode === 0) return 'Completed';
  return oom ? 'OOMKilled' : 'Error';
}

/**
 * Containers that could start, `runningMs` real ms after they did: running
 * (Ready after `podReadyMs` unless the readiness probe fails, which records
 * Unhealthy every probe period), crash-looping (CrashLoopBackOff, restart
 * count growing every `crashIntervalMs`; OOMKilled with exit code 137 when
 * out of memory), or, for pods that do not restart, run to completion:
 * Succeeded, or Failed when they exit non-zero.
 */
export function runContainers(
  ctx: ControllerContext,
  pod: any,
  runningMs: number,
  behaviour: PodBehaviour,
  base: (c: any) => any,
  emitOnce: EmitOnce,
): RunResult {
  const containers: any[] = pod.spec?.containers ?? [];
  const prevStatuses: any[] = pod.status?.containerStatuses ?? [];
  const ts = now();
  const runToCompletion = (pod.spec?.restartPolicy ?? 'Always') !== 'Always';
  const oom = behaviour.failure === 'oom';
  const failing =
    behaviour.failure === 'crash-loop' || oom || behaviour.failure === 'exit';
  const terminated = (exitCode: number) => ({
    exitCode,
    reason: terminationReason(exitCode, oom),
    startedAt: ts,
    finishedAt: ts,
  });
  const failedCode = oom ? 137 : 1;
  for (const c of containers) {
    emitOnce(
      `pulled/${c.name}`,
      'Normal',
      'Pulled',
      `Container image "${c.image}" already present on machine`,
    );
    emitOnce(
      `created/${c.name}`,
      'Normal',
      'Created',
      `Created container ${c.name}`,
    );
    emitOnce(
      `started/${c.name}`,
      'Normal',
      'Started',
      `Started container ${c.name}`,
    );
  }
  const runningStatus = (c: any, isReady: boolean) => {
    const prev = prevStatuses.find(x => x.name === c.name);
    return {
      ...base(c),
      imageID: `docker.io/library/${c.image}@sha256:${createHash('sha256')
        .update(String(c.image))
        .digest('hex')}`,
      containerID:
        prev?.containerID ?? `containerd://${randomBytes(32).toString('hex')}`,
      started: true,
      ready: isReady,
      state: {
        running: { startedAt: prev?.state?.running?.startedAt ?? ts },
      },
    };
  };
  const crashLooping = (restartCount: number) =>
    containers.map(c => ({
      ...base(c),
      restartCount,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: backOffMessage(pod, c),
        },
      },
      lastState: { terminated: terminated(failedCode) },
    }));

  if (runToCompletion) {
    const runMs = ctx.ms(behaviour.runMs ?? ctx.jobPodRunMs);
    if (runningMs < runMs) {
      return {
        phase: 'Running',
        ready: false,
        statuses: containers.map(c => runningStatus(c, false)),
      };
    }
    if (!failing || pod.spec.restartPolicy === 'Never') {
      const code = failing ? failedCode : 0;
      return {
        phase: failing ? 'Failed' : 'Succeeded',
        ready: false,
        statuses: containers.map(c => ({
          ...base(c),
          state: { terminated: terminated(code) },
        })),
      };
    }
    // OnFailure: the container restarts in place after every failed run.
    const restarts = Math.floor(
      runningMs / (runMs + ctx.ms(ctx.crashIntervalMs)),
    );
    return {
      phase: 'Running',
      ready: false,
      statuses: crashLooping(Math.max(1, restarts)),
    };
  }

  if (failing) {
    const crashes =
      Math.floor(runningMs / Math.max(1, ctx.ms(ctx.crashIntervalMs))) + 1;
    for (const c of containers) {
      emitOnce(
        `crash/${c.name}/${crashes}`,
        'Warning',
        'BackOff',
        backOffMessage(pod, c),
      );
    }
    return { phase: 'Running', ready: false, statuses: crashLooping(crashes) };
  }

  const probeFails = behaviour.failure === 'readiness';
  if (probeFails) {
    for (const c of containers) {
      const period = ctx.ms((c.readinessProbe?.periodSeconds ?? 10) * 1000);
      const n = Math.floor(runningMs / Math.max(1, period));
      emitOnce(
        `unhealthy/${c.name}/${n}`,
        'Warning',
        'Unhealthy',
        probeFailure(pod, c),
      );
    }
  }
  const ready = !probeFails && runningMs >= ctx.ms(ctx.podReadyMs);
  return {
    phase: 'Running',
    ready,
    statuses: containers.map(c => runningStatus(c, ready)),
  };
}
