import { createHash, randomBytes } from 'node:crypto';
import { ControllerContext, EventType } from './ControllerContext';
import { imagePullProblem } from './imagePullProblem';
import { missingReferences } from './missingReferences';
import { now } from './objects';
import { podBehaviour } from './podBehaviour';
import { Reconciler } from './Reconciler';

const COMPONENT = 'kubelet';
/** Image pull back-off as the kubelet does it: 10 s doubling up to 5 min. */
const PULL_BACKOFF_MS = 10000;
const PULL_BACKOFF_MAX_MS = 300000;

interface PodState {
  /** Real ms the kubelet first saw the pod on its node. */
  seen: number;
  /** Real ms all containers could start (images pulled, config present). */
  runnable?: number;
  /** Real ms the kubelet first saw the pod's deletion. */
  stopping?: number;
  /** Event keys already emitted, for one-off and per-period events. */
  emitted: Set<string>;
}

type Event = [EventType, string, string];

/** The pod's message for the first waiting reason of a container. */
function waiting(_container: any, base: any, reason: string, message?: string) {
  return {
    ...base,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
  };
}

function probeFailure(pod: any, c: any) {
  const probe = c.readinessProbe ?? {};
  const ip = pod.status?.podIP ?? '10.244.0.1';
  if (probe.tcpSocket) {
    return `Readiness probe failed: dial tcp ${ip}:${probe.tcpSocket.port}: connect: connection refused`;
  }
  if (probe.exec) return 'Readiness probe failed: command failed with exit code 1';
  return 'Readiness probe failed: HTTP probe failed with statuscode: 503';
}

/**
 * The kubelet of the simulated node: runs scheduled pods through image
 * pulls (ErrImagePull → ImagePullBackOff with growing back-off,
 * InvalidImageName), missing config (FailedMount, CreateContainerConfigError
 * until it appears), start-up, readiness (failing probes → Unhealthy),
 * crash loops and OOM kills, run-to-completion pods (Jobs), and graceful
 * termination of deleted pods.
 */
export class Kubelet implements Reconciler {
  readonly name = 'kubelet';
  private readonly pods = new Map<string, PodState>();

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new Kubelet(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    const live = new Set<string>();
    for (const pod of this.ctx.store.list(this.ctx.t.pods)) {
      live.add(pod.metadata.uid);
      if (!pod.spec?.nodeName) continue;
      changed = safely(pod, () => this.sync(pod)) || changed;
    }
    for (const uid of this.pods.keys()) {
      if (!live.has(uid)) this.pods.delete(uid);
    }
    return changed;
  }

  private state(pod: any): PodState {
    let s = this.pods.get(pod.metadata.uid);
    if (!s) {
      // Pods restored from persisted state that already ran keep their age.
      const started =
        pod.status?.phase !== undefined && pod.status.phase !== 'Pending';
      const seen = started
        ? Date.parse(pod.metadata.creationTimestamp)
        : Date.now();
      s = { seen, emitted: new Set(), ...(started ? { runnable: seen } : {}) };
      this.pods.set(pod.metadata.uid, s);
    }
    return s;
  }

  sync(pod: any): boolean {
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp) return this.terminate(pod);
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    const { ctx } = this;
    const s = this.state(pod);
    const nowMs = Date.now();
    const age = nowMs - s.seen;
    const behaviour = podBehaviour(pod);
    const startMs = ctx.ms(ctx.podStartMs + behaviour.extraStartDelayMs);
    const containers: any[] = pod.spec?.containers ?? [];
    const prevStatuses: any[] = pod.status?.containerStatuses ?? [];
    const events: Event[] = [];
    const emitOnce = (key: string, ...e: Event) => {
      if (s.emitted.has(key)) return;
      s.emitted.add(key);
      events.push(e);
    };
    const base = (c: any) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      started: false,
      ready: false,
      restartCount:
        prevStatuses.find(x => x.name === c.name)?.restartCount ?? 0,
    });

    const missing = missingReferences(ctx, pod);
    let statuses: any[];
    let podPhase = 'Pending';
    let ready = false;
    const sandboxReady = missing.mounts.length === 0;
    if (!sandboxReady) {
      // Volumes are mounted before any container starts.
      s.runnable = undefined;
      statuses = containers.map(c => waiting(c, base(c), 'ContainerCreating'));
      const period = Math.floor(age / ctx.ms(10000));
      for (const m of missing.mounts) {
        emitOnce(`mount/${m}/${period}`, 'Warning', 'FailedMount', m);
      }
    } else if (age < startMs) {
      statuses = containers.map(c => waiting(c, base(c), 'ContainerCreating'));
      for (const c of containers) {
        emitOnce(`pulling/${c.name}`, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
      }
    } else {
      const blocked: any[] = [];
      statuses = containers.map(c => {
        const pull = imagePullProblem(String(c.image ?? ''), {
          unknownImages: ctx.settings.unknownImages,
          forceFailure: behaviour.failure === 'image-pull',
        });
        if (pull?.reason === 'InvalidImageName') {
          blocked.push(c);
          emitOnce(`invalid/${c.name}`, 'Warning', 'InspectFailed', pull.message);
          emitOnce(`invalid-err/${c.name}`, 'Warning', 'Failed', 'Error: InvalidImageName');
          return waiting(c, base(c), 'InvalidImageName', pull.message);
        }
        if (pull) {
          blocked.push(c);
          return this.pulling(c, base(c), pull.message, age - startMs, emitOnce);
        }
        const config = missing.config.get(c.name);
        if (config) {
          blocked.push(c);
          const period = Math.floor(age / ctx.ms(10000));
          emitOnce(`config/${c.name}/${config}/${period}`, 'Warning', 'Failed', `Error: ${config}`);
          return waiting(c, base(c), 'CreateContainerConfigError', config);
        }
        return undefined;
      });
      if (blocked.length > 0) {
        s.runnable = undefined;
        statuses = statuses.map(
          (st, i) => st ?? waiting(containers[i], base(containers[i]), 'ContainerCreating'),
        );
      } else {
        s.runnable ??= nowMs;
        const result = this.run(pod, s, behaviour, base, emitOnce);
        statuses = result.statuses;
        podPhase = result.phase;
        ready = result.ready;
      }
    }
    return this.writeStatus(pod, s, podPhase, ready, statuses, sandboxReady, events);
  }

  /** ErrImagePull, then ImagePullBackOff for 10 s, 20 s, 40 s ... (scaled). */
  private pulling(
    c: any,
    base: any,
    message: string,
    sinceFirstFailure: number,
    emitOnce: (key: string, ...e: Event) => void,
  ) {
    const { ctx } = this;
    const attemptMs = ctx.ms(ctx.podStartMs);
    let t = sinceFirstFailure;
    for (let attempt = 0; ; attempt++) {
      if (t < attemptMs) {
        emitOnce(`pull/${c.name}/${attempt}`, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
        emitOnce(`pullfail/${c.name}/${attempt}`, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${message}`);
        emitOnce(`pullerr/${c.name}/${attempt}`, 'Warning', 'Failed', 'Error: ErrImagePull');
        return waiting(c, base, 'ErrImagePull', message);
      }
      t -= attemptMs;
      const backoff = ctx.ms(Math.min(PULL_BACKOFF_MS * 2 ** attempt, PULL_BACKOFF_MAX_MS));
      if (t < backoff) {
        emitOnce(`backoff/${c.name}/${attempt}`, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
        emitOnce(`backofferr/${c.name}/${attempt}`, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        return waiting(c, base, 'ImagePullBackOff', `Back-off pulling image "${c.image}"`);
      }
      t -= backoff;
    }
  }

  /** Containers that could start: running, crashing, or run to completion. */
  private run(
    pod: any,
    s: PodState,
    behaviour: ReturnType<typeof podBehaviour>,
    base: (c: any) => any,
    emitOnce: (key: string, ...e: Event) => void,
  ) {
    const { ctx } = this;
    const containers: any[] = pod.spec?.containers ?? [];
    const prevStatuses: any[] = pod.status?.containerStatuses ?? [];
    const running = Date.now() - (s.runnable ?? Date.now());
    const ts = now();
    const runToCompletion = (pod.spec?.restartPolicy ?? 'Always') !== 'Always';
    const failing =
      behaviour.failure === 'crash-loop' ||
      behaviour.failure === 'oom' ||
      behaviour.failure === 'exit';
    const oom = behaviour.failure === 'oom';
    const terminated = (exitCode: number) => ({
      exitCode,
      reason: exitCode === 0 ? 'Completed' : oom ? 'OOMKilled' : 'Error',
      startedAt: ts,
      finishedAt: ts,
    });
    for (const c of containers) {
      emitOnce(`pulled/${c.name}`, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      emitOnce(`created/${c.name}`, 'Normal', 'Created', `Created container ${c.name}`);
      emitOnce(`started/${c.name}`, 'Normal', 'Started', `Started container ${c.name}`);
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
        state: { running: { startedAt: prev?.state?.running?.startedAt ?? ts } },
      };
    };

    if (runToCompletion) {
      const runMs = ctx.ms(behaviour.runMs ?? ctx.jobPodRunMs);
      if (running < runMs) {
        return { phase: 'Running', ready: false, statuses: containers.map(c => runningStatus(c, false)) };
      }
      if (!failing) {
        return {
          phase: 'Succeeded',
          ready: false,
          statuses: containers.map(c => ({ ...base(c), state: { terminated: terminated(0) } })),
        };
      }
      if (pod.spec.restartPolicy === 'Never') {
        return {
          phase: 'Failed',
          ready: false,
          statuses: containers.map(c => ({
            ...base(c),
            state: { terminated: terminated(oom ? 137 : 1) },
          })),
        };
      }
      // OnFailure: the container restarts in place after every failed run.
      const restarts = Math.floor(running / (runMs + ctx.ms(ctx.crashIntervalMs)));
      return {
        phase: 'Running',
        ready: false,
        statuses: containers.map(c => ({
          ...base(c),
          restartCount: Math.max(1, restarts),
          state: { waiting: { reason: 'CrashLoopBackOff', message: this.backOffMessage(pod, c) } },
          lastState: { terminated: terminated(oom ? 137 : 1) },
        })),
      };
    }

    if (failing) {
      const crashes = Math.floor(running / Math.max(1, ctx.ms(ctx.crashIntervalMs))) + 1;
      for (const c of containers) {
        emitOnce(`crash/${c.name}/${crashes}`, 'Warning', 'BackOff', this.backOffMessage(pod, c));
      }
      return {
        phase: 'Running',
        ready: false,
        statuses: containers.map(c => ({
          ...base(c),
          restartCount: crashes,
          state: { waiting: { reason: 'CrashLoopBackOff', message: this.backOffMessage(pod, c) } },
          lastState: { terminated: terminated(oom ? 137 : 1) },
        })),
      };
    }

    const probeFails = behaviour.failure === 'readiness';
    if (probeFails) {
      const period = (c: any) => ctx.ms(((c.readinessProbe?.periodSeconds ?? 10) * 1000));
      for (const c of containers) {
        const n = Math.floor(running / Math.max(1, period(c)));
        emitOnce(`unhealthy/${c.name}/${n}`, 'Warning', 'Unhealthy', probeFailure(pod, c));
      }
    }
    const ready = !probeFails && running >= ctx.ms(ctx.podReadyMs);
    return { phase: 'Running', ready, statuses: containers.map(c => runningStatus(c, ready)) };
  }

  private backOffMessage(pod: any, c: any) {
    return `back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  }

  private writeStatus(
    pod: any,
    s: PodState,
    phase: string,
    ready: boolean,
    statuses: any[],
    sandboxReady: boolean,
    events: Event[],
  ) {
    const { ctx } = this;
    const previous = pod.status ?? {};
    const ts = now();
    const notReady = statuses.filter(c => !c.ready).map(c => c.name);
    const completed = phase === 'Succeeded' || phase === 'Failed';
    const cond = (type: string, ok: boolean, reason?: string, message?: string) => {
      const old = (previous.conditions ?? []).find((c: any) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime: old && old.status === status ? old.lastTransitionTime : ts,
        ...(reason ? { reason } : {}),
        ...(message ? { message } : {}),
      };
    };
    const why = completed ? 'PodCompleted' : 'ContainersNotReady';
    const msg = completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
    const status: any = {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', sandboxReady),
        cond('Initialized', true),
        ready ? cond('Ready', true) : cond('Ready', false, why, msg),
        ready ? cond('ContainersReady', true) : cond('ContainersReady', false, why, msg),
        cond('PodScheduled', true),
      ],
      hostIP: '10.0.0.10',
      hostIPs: [{ ip: '10.0.0.10' }],
      podIP: previous.podIP ?? `10.244.${(s.seen >> 8) & 255}.${s.seen & 255}`,
      startTime: previous.startTime ?? pod.metadata.creationTimestamp,
      containerStatuses: statuses,
      qosClass: previous.qosClass ?? 'BestEffort',
    };
    status.podIPs = [{ ip: status.podIP }];
    // Compare without timestamps so unchanged pods are not rewritten.
    const strip = (x: any) =>
      JSON.stringify(x, (k, v) =>
        k === 'startedAt' || k === 'finishedAt' || k === 'lastTransitionTime' ? undefined : v,
      );
    let updated = pod;
    const statusChanged = strip(status) !== strip(previous);
    if (statusChanged) updated = ctx.write(ctx.t.pods, { ...pod, status });
    for (const [type, reason, message] of events) {
      ctx.recordEvent(updated, type, reason, message, COMPONENT);
    }
    return statusChanged || events.length > 0;
  }

  /**
   * Graceful termination: containers stop after `podStopMs` (or the whole
   * grace period for pods that ignore SIGTERM), then the pod is removed
   * unless finalizers hold it.
   */
  private terminate(pod: any): boolean {
    const { ctx } = this;
    if (pod.metadata.deletionGracePeriodSeconds === 0) return false;
    const s = this.state(pod);
    s.stopping ??= Date.now();
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const behaviour = podBehaviour(pod);
    const stopMs = ctx.ms(behaviour.ignoresSigterm ? grace : Math.min(grace, ctx.podStopMs));
    const ts = now();
    const statuses = (pod.status?.containerStatuses ?? []).map((c: any) => ({
      ...c,
      ready: false,
      started: false,
      state: c.state?.running
        ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: c.state.running.startedAt, finishedAt: ts } }
        : c.state,
    }));
    if (Date.now() - s.stopping < stopMs) {
      const ready = (pod.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
      if (ready?.status !== 'True') return false;
      // Terminating pods stop being ready at once (endpoints drop them).
      ctx.recordEvent(pod, 'Normal', 'Killing', `Stopping container ${pod.spec?.containers?.[0]?.name}`, COMPONENT);
      ctx.write(ctx.t.pods, {
        ...pod,
        status: {
          ...pod.status,
          conditions: (pod.status?.conditions ?? []).map((c: any) =>
            c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', lastTransitionTime: ts } : c,
          ),
        },
      });
      return true;
    }
    const stopped = ctx.write(ctx.t.pods, {
      ...pod,
      status: {
        ...pod.status,
        phase: pod.spec?.restartPolicy === 'Always' || !pod.spec?.restartPolicy ? 'Failed' : pod.status?.phase,
        containerStatuses: statuses,
        conditions: (pod.status?.conditions ?? []).map((c: any) =>
          c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
        ),
      },
    });
    ctx.api.finishPodTermination(stopped);
    return true;
  }
}
