import { ControllerContext } from './ControllerContext';
import { EmitOnce, KubeletEvent, waiting } from './containerStatus';
import { imagePullProblem } from './imagePullProblem';
import { missingReferences } from './missingReferences';
import { now, sameJsonIgnoring } from './objects';
import { podBehaviour } from './podBehaviour';
import { pullBackOff } from './pullBackOff';
import { Reconciler } from './Reconciler';
import { runContainers } from './runContainers';
import { terminatePod } from './terminatePod';

/** Status fields that change with the clock, not with the pod. */
const TIMESTAMPS = new Set(['startedAt', 'finishedAt', 'lastTransitionTime']);

const COMPONENT = 'kubelet';

/** How often the kubelet repeats FailedMount and config errors (10 s). */
const RETRY_PERIOD_MS = 10000;

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

/**
 * A pod whose status changes only when it or what it references changes:
 * finished, or running with every container ready and nothing simulated to
 * go wrong later. Anything else (starting, pulling, crash-looping, failing
 * its probe, running to completion, terminating) moves with the clock.
 */
function isSettled(pod: any): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (phase !== 'Running') return false;
  if ((pod.spec?.restartPolicy ?? 'Always') !== 'Always') return false;
  if (podBehaviour(pod).failure !== undefined) return false;
  const containers: any[] = pod.spec?.containers ?? [];
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  return (
    statuses.length === containers.length &&
    statuses.every(s => s.ready === true && s.state?.running !== undefined)
  );
}

/**
 * The kubelet of the simulated node: runs scheduled pods through volume
 * mounts (FailedMount while a ConfigMap/Secret is missing), image pulls
 * (ErrImagePull → ImagePullBackOff, InvalidImageName), container config
 * (CreateContainerConfigError until the reference appears), then start-up
 * (see runContainers) and, once deleted, graceful termination (see
 * terminatePod). Pods' state lives in the status it writes; timings are
 * kept per pod uid.
 */
export class Kubelet implements Reconciler {
  readonly name = 'kubelet';
  private readonly pods = new Map<string, PodState>();
  /** Whether the last run left a pod in a transition that takes time. */
  private transitioning = false;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new Kubelet(ctx);
  }

  waitsOnClock() {
    return this.transitioning;
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    this.transitioning = false;
    const live = new Set<string>();
    for (const pod of this.ctx.store.list(this.ctx.t.pods)) {
      live.add(pod.metadata.uid);
      if (!pod.spec?.nodeName) continue;
      changed = safely(pod, () => this.sync(pod)) || changed;
      if (!isSettled(pod)) this.transitioning = true;
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
    const s = this.state(pod);
    if (pod.metadata.deletionTimestamp) {
      s.stopping ??= Date.now();
      return terminatePod(this.ctx, pod, s.stopping);
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    const { ctx } = this;
    const nowMs = Date.now();
    const age = nowMs - s.seen;
    const period = Math.floor(age / ctx.ms(RETRY_PERIOD_MS));
    const behaviour = podBehaviour(pod);
    const startMs = ctx.ms(ctx.podStartMs + behaviour.extraStartDelayMs);
    const containers: any[] = pod.spec?.containers ?? [];
    const prevStatuses: any[] = pod.status?.containerStatuses ?? [];
    const events: KubeletEvent[] = [];
    const emitOnce: EmitOnce = (key, ...e) => {
      if (s.emitted.has(key)) return false;
      s.emitted.add(key);
      events.push(e);
      return true;
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
    const creating = () =>
      containers.map(c => waiting(base(c), 'ContainerCreating'));

    const missing = missingReferences(ctx, pod);
    const sandboxReady = missing.mounts.length === 0;
    let result = { phase: 'Pending', ready: false, statuses: creating() };
    if (!sandboxReady) {
      // Volumes are mounted before any container starts.
      s.runnable = undefined;
      for (const m of missing.mounts) {
        emitOnce(`mount/${m}/${period}`, 'Warning', 'FailedMount', m);
      }
    } else if (age < startMs) {
      for (const c of containers) {
        emitOnce(
          `pulling/${c.name}`,
          'Normal',
          'Pulling',
          `Pulling image "${c.image}"`,
        );
      }
    } else {
      // Per container: an image problem, else a config problem, else none.
      const blocked = containers.map(c => {
        const pull = imagePullProblem(String(c.image ?? ''), {
          unknownImages: ctx.settings.unknownImages,
          forceFailure: behaviour.failure === 'image-pull',
        });
        if (pull?.reason === 'InvalidImageName') {
          emitOnce(
            `invalid/${c.name}`,
            'Warning',
            'InspectFailed',
            pull.message,
          );
          emitOnce(
            `invalid-err/${c.name}`,
            'Warning',
            'Failed',
            'Error: InvalidImageName',
          );
          return waiting(base(c), 'InvalidImageName', pull.message);
        }
        if (pull) {
          return pullBackOff(
            ctx,
            c,
            base(c),
            pull.message,
            age - startMs,
            emitOnce,
          );
        }
        const config = missing.config.get(c.name);
        if (config) {
          emitOnce(
            `config/${c.name}/${config}/${period}`,
            'Warning',
            'Failed',
            `Error: ${config}`,
          );
          return waiting(base(c), 'CreateContainerConfigError', config);
        }
        return undefined;
      });
      if (blocked.some(b => b !== undefined)) {
        s.runnable = undefined;
        result.statuses = blocked.map(
          (st, i) => st ?? waiting(base(containers[i]), 'ContainerCreating'),
        );
      } else {
        s.runnable ??= nowMs;
        result = runContainers(
          ctx,
          pod,
          nowMs - s.runnable,
          behaviour,
          base,
          emitOnce,
        );
      }
    }
    return this.writeStatus(pod, s, result, sandboxReady, events);
  }

  private writeStatus(
    pod: any,
    s: PodState,
    result: { phase: string; ready: boolean; statuses: any[] },
    sandboxReady: boolean,
    events: KubeletEvent[],
  ) {
    const { ctx } = this;
    const { phase, ready, statuses } = result;
    const previous = pod.status ?? {};
    const ts = now();
    const notReady = statuses.filter(c => !c.ready).map(c => c.name);
    const completed = phase === 'Succeeded' || phase === 'Failed';
    const cond = (
      type: string,
      ok: boolean,
      reason?: string,
      message?: string,
    ) => {
      const old = (previous.conditions ?? []).find((c: any) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime:
          old && old.status === status ? old.lastTransitionTime : ts,
        ...(reason ? { reason } : {}),
        ...(message ? { message } : {}),
      };
    };
    const why = completed ? 'PodCompleted' : 'ContainersNotReady';
    const msg = completed
      ? undefined
      : `containers with unready status: [${notReady.join(' ')}]`;
    const readiness = (type: string) =>
      ready ? cond(type, true) : cond(type, false, why, msg);
    const status: any = {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', sandboxReady),
        cond('Initialized', true),
        readiness('Ready'),
        readiness('ContainersReady'),
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
    let updated = pod;
    // Compared without timestamps so unchanged pods are not rewritten.
    const statusChanged = !sameJsonIgnoring(status, previous, TIMESTAMPS);
    if (statusChanged) updated = ctx.write(ctx.t.pods, { ...pod, status });
    for (const [type, reason, message] of events) {
      ctx.recordEvent(updated, type, reason, message, COMPONENT);
    }
    return statusChanged || events.length > 0;
  }
}
