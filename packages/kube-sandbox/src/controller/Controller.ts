import { createHash, randomBytes } from 'node:crypto';
import { ObjectStore, typeKeyOf } from '../server/ObjectStore';
import { ResourceRegistry, ResourceType } from '../server/resources';
import { labelSelectorFromObject } from '../server/selectors';
import { podBehaviour } from './podBehaviour';

/** Simulated durations, in milliseconds of "cluster time". */
export interface ControllerTimings {
  /** Divides every simulated duration; 10 makes everything 10x faster. */
  speed?: number;
  /** Pull + container start time before a pod is Running. */
  podStartMs?: number;
  /** Time from Running to Ready. */
  podReadyMs?: number;
  /** Time between crashes of a crash-looping container. */
  crashIntervalMs?: number;
  /** How often the controller re-evaluates time-based state (real ms). */
  tickIntervalMs?: number;
  /** When false the controller only acts on `tick()` calls. */
  autoTick?: boolean;
}

const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

function now() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function templateHash(template: any) {
  return createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex')
    .slice(0, 10)
    .replace(/[^a-z0-9]/g, 'x');
}

function resolveIntOrPercent(value: any, total: number, roundUp: boolean) {
  if (typeof value === 'string' && value.endsWith('%')) {
    const v = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(v) : Math.floor(v);
  }
  return Number(value ?? 0);
}

function ownerRef(owner: any) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function ownedBy(obj: any, owner: any) {
  return (obj.metadata.ownerReferences ?? []).some(
    (o: any) => o.uid === owner.metadata.uid,
  );
}

function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
) {
  const t = now();
  return {
    type,
    status,
    reason,
    message,
    lastUpdateTime: t,
    lastTransitionTime: t,
  };
}

/** Keeps transition times of conditions whose status did not change. */
function mergeConditions(previous: any[] = [], next: any[]) {
  return next.map(c => {
    const old = previous.find(p => p.type === c.type);
    if (!old) return c;
    const sameStatus = old.status === c.status;
    const same =
      sameStatus && old.reason === c.reason && old.message === c.message;
    return {
      ...c,
      lastTransitionTime: sameStatus
        ? old.lastTransitionTime
        : c.lastTransitionTime,
      lastUpdateTime: same ? old.lastUpdateTime : c.lastUpdateTime,
    };
  });
}

function isPodReady(pod: any) {
  return (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
}

function sameJson(a: any, b: any) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A tiny stand-in for kube-controller-manager, the scheduler and kubelets:
 * Deployments roll out through ReplicaSets and Pods, StatefulSets get ordered
 * pods, pods start, become Ready, fail to pull or crash-loop, and Events are
 * recorded. Time-based transitions use real timers scaled by `speed`, and
 * `tick()` can be called explicitly to reconcile immediately.
 */
export class Controller {
  private readonly speed: number;
  private readonly podStartMs: number;
  private readonly podReadyMs: number;
  private readonly crashIntervalMs: number;
  private readonly tickIntervalMs: number;
  private interval?: NodeJS.Timeout;
  private scheduled?: NodeJS.Immediate;
  private unsubscribe?: () => void;
  private reconciling = false;
  /** Deployment uid → last time its rollout made progress (epoch ms). */
  private readonly progress = new Map<
    string,
    { at: number; fingerprint: string }
  >();
  private readonly t: Record<string, ResourceType>;

  private constructor(
    private readonly store: ObjectStore,
    registry: ResourceRegistry,
    timings: ControllerTimings,
  ) {
    this.speed = timings.speed ?? 1;
    this.podStartMs = timings.podStartMs ?? 1000;
    this.podReadyMs = timings.podReadyMs ?? 1000;
    this.crashIntervalMs = timings.crashIntervalMs ?? 5000;
    this.tickIntervalMs =
      timings.tickIntervalMs ?? Math.max(10, Math.round(200 / this.speed));
    this.t = {
      deployments: registry.get('apps', 'deployments'),
      replicasets: registry.get('apps', 'replicasets'),
      statefulsets: registry.get('apps', 'statefulsets'),
      pods: registry.get('', 'pods'),
      events: registry.get('', 'events'),
      namespaces: registry.get('', 'namespaces'),
    };
  }

  static create(
    store: ObjectStore,
    registry: ResourceRegistry,
    timings: ControllerTimings = {},
  ) {
    const c = new Controller(store, registry, timings);
    if (timings.autoTick !== false) c.start();
    return c;
  }

  /** Scaled duration in real milliseconds. */
  private ms(simulated: number) {
    return simulated / this.speed;
  }

  start() {
    if (this.interval) return;
    this.interval = setInterval(() => this.tick(), this.tickIntervalMs);
    this.interval.unref();
    const watched = new Set(
      ['deployments', 'replicasets', 'statefulsets', 'pods'].map(k =>
        typeKeyOf(this.t[k]),
      ),
    );
    this.unsubscribe = this.store.subscribe(undefined, e => {
      if (!this.reconciling && watched.has(e.typeKey)) this.schedule();
    });
  }

  stop() {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.unsubscribe?.();
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
      // A few passes let changes ripple (Deployment → RS → Pods → status).
      for (let i = 0; i < 3; i++) {
        let changed = false;
        for (const d of this.store.list(this.t.deployments))
          changed =
            this.safely(d, () => this.reconcileDeployment(d)) || changed;
        for (const rs of this.store.list(this.t.replicasets))
          changed =
            this.safely(rs, () => this.reconcileReplicaSet(rs)) || changed;
        for (const s of this.store.list(this.t.statefulsets))
          changed =
            this.safely(s, () => this.reconcileStatefulSet(s)) || changed;
        for (const p of this.store.list(this.t.pods))
          changed = this.safely(p, () => this.reconcilePod(p)) || changed;
        if (!changed) break;
      }
      // Forget start times of pods that no longer exist.
      if (this.podStarts.size > 0) {
        const live = new Set(
          this.store.list(this.t.pods).map(p => p.metadata.uid),
        );
        for (const uid of this.podStarts.keys()) {
          if (!live.has(uid)) this.podStarts.delete(uid);
        }
      }
    } finally {
      this.reconciling = false;
    }
  }

  /** The last reconcile error per object, for debugging from tests. */
  readonly errors = new Map<string, string>();

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

  private terminating(namespace: string) {
    const ns = this.store.get(this.t.namespaces, undefined, namespace);
    return !ns || ns.status?.phase === 'Terminating';
  }

  private write(t: ResourceType, obj: any) {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    return this.store.update(t, { ...obj, metadata });
  }

  /** Records a core/v1 Event about `obj`, aggregating repeats via count. */
  recordEvent(
    obj: any,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = 'sandbox-controller',
  ) {
    const namespace = obj.metadata.namespace ?? 'default';
    if (this.terminating(namespace)) return;
    const name = `${obj.metadata.name}.${createHash('sha1')
      .update(`${obj.metadata.uid}/${reason}/${message}`)
      .digest('hex')
      .slice(0, 16)}`;
    const existing = this.store.get(this.t.events, namespace, name);
    const t = now();
    if (existing) {
      this.write(this.t.events, {
        ...existing,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: t,
      });
      return;
    }
    this.store.create(this.t.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      reportingComponent: component,
      reportingInstance: 'sandbox',
    });
  }

  // ---- Deployments -------------------------------------------------------

  private reconcileDeployment(d: any): boolean {
    if (this.terminating(d.metadata.namespace)) return false;
    let changed = false;
    const ns = d.metadata.namespace;
    const desired = d.spec.replicas ?? 1;
    const hash = templateHash(d.spec.template);
    const all = this.store
      .list(this.t.replicasets, ns)
      .filter(rs => ownedBy(rs, d));
    let newRs = all.find(rs => rs.metadata.labels?.[HASH] === hash);
    const oldRss = all.filter(rs => rs !== newRs);
    const maxRevision = Math.max(
      0,
      ...all.map(rs => Number(rs.metadata.annotations?.[REVISION] ?? 0)),
    );

    if (!newRs) {
      const revision = String(maxRevision + 1);
      const template = structuredClone(d.spec.template ?? {});
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, [HASH]: hash },
      };
      const selector = structuredClone(d.spec.selector ?? {});
      selector.matchLabels = { ...selector.matchLabels, [HASH]: hash };
      newRs = this.store.create(this.t.replicasets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: ns,
          labels: { ...template.metadata.labels },
          annotations: {
            [REVISION]: revision,
            'deployment.kubernetes.io/desired-replicas': String(desired),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: { replicas: 0, selector, template },
        status: { replicas: 0 },
      });
      changed = true;
    } else if (
      newRs.metadata.annotations?.[REVISION] !==
        String(Math.max(maxRevision, 1)) &&
      oldRss.length > 0 &&
      Number(newRs.metadata.annotations?.[REVISION] ?? 0) < maxRevision
    ) {
      // Rolling back to an older template re-uses its RS with a new revision.
      newRs = this.write(this.t.replicasets, {
        ...newRs,
        metadata: {
          ...newRs.metadata,
          annotations: {
            ...newRs.metadata.annotations,
            [REVISION]: String(maxRevision + 1),
          },
        },
      });
      changed = true;
    }

    const setReplicas = (rs: any, replicas: number) => {
      if ((rs.spec.replicas ?? 0) === replicas) return rs;
      const from = rs.spec.replicas ?? 0;
      this.recordEvent(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${replicas > from ? 'up' : 'down'} replica set ${
          rs.metadata.name
        } from ${from} to ${replicas}`,
        'deployment-controller',
      );
      changed = true;
      return this.write(this.t.replicasets, {
        ...rs,
        spec: { ...rs.spec, replicas },
      });
    };

    const available = (rs: any) => rs.status?.availableReplicas ?? 0;
    if (d.spec.paused) {
      // Paused deployments keep their replica sets as they are.
    } else if (d.spec.strategy?.type === 'Recreate') {
      const oldPods = oldRss.reduce(
        (n, rs) => n + (rs.status?.replicas ?? 0) + (rs.spec.replicas ?? 0),
        0,
      );
      for (const rs of oldRss) setReplicas(rs, 0);
      if (oldPods === 0) newRs = setReplicas(newRs, desired);
    } else {
      const maxSurge = resolveIntOrPercent(
        d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%',
        desired,
        true,
      );
      let maxUnavailable = resolveIntOrPercent(
        d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
        desired,
        false,
      );
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
      const total = all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      const newReplicas = newRs.spec.replicas ?? 0;
      if (newReplicas > desired) {
        newRs = setReplicas(newRs, desired);
      } else if (newReplicas < desired) {
        const room = desired + maxSurge - total;
        if (room > 0)
          newRs = setReplicas(newRs, Math.min(desired, newReplicas + room));
      }
      // Scale old replica sets down: unavailable pods first, then as many
      // available ones as maxUnavailable allows.
      const minAvailable = desired - maxUnavailable;
      let totalAvailable = all.reduce((n, rs) => n + available(rs), 0);
      const sorted = [...oldRss].sort(
        (a, b) =>
          Number(a.metadata.annotations?.[REVISION] ?? 0) -
          Number(b.metadata.annotations?.[REVISION] ?? 0),
      );
      for (const rs of sorted) {
        const current = rs.spec.replicas ?? 0;
        if (current === 0) continue;
        const unhealthy = Math.max(0, current - available(rs));
        const canRemoveAvailable = Math.max(0, totalAvailable - minAvailable);
        const removeAvailable = Math.min(available(rs), canRemoveAvailable);
        const target = Math.max(0, current - unhealthy - removeAvailable);
        totalAvailable -= removeAvailable;
        setReplicas(rs, target);
      }
    }

    // Old, fully scaled-down replica sets beyond revisionHistoryLimit go.
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = oldRss
      .map(rs => this.store.get(this.t.replicasets, ns, rs.metadata.name))
      .filter(
        rs =>
          rs &&
          (rs.spec.replicas ?? 0) === 0 &&
          (rs.status?.replicas ?? 0) === 0,
      )
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.[REVISION] ?? 0) -
          Number(b.metadata.annotations?.[REVISION] ?? 0),
      );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.store.delete(this.t.replicasets, ns, rs.metadata.name);
      changed = true;
    }

    // Status, aggregated from the replica sets.
    const rsNow = this.store
      .list(this.t.replicasets, ns)
      .filter(rs => ownedBy(rs, d));
    const current =
      rsNow.find(rs => rs.metadata.uid === newRs.metadata.uid) ?? newRs;
    const sum = (f: (rs: any) => number) =>
      rsNow.reduce((n, rs) => n + f(rs), 0);
    const replicas = sum(rs => rs.status?.replicas ?? 0);
    const readyReplicas = sum(rs => rs.status?.readyReplicas ?? 0);
    const availableReplicas = sum(rs => rs.status?.availableReplicas ?? 0);
    const updatedReplicas = current.status?.replicas ?? 0;
    const maxUnavail =
      d.spec.strategy?.type === 'Recreate'
        ? desired
        : resolveIntOrPercent(
            d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
            desired,
            false,
          );
    const complete =
      updatedReplicas === desired &&
      replicas === desired &&
      availableReplicas === desired &&
      (current.status?.availableReplicas ?? 0) === desired;

    const fingerprint = `${hash}/${replicas}/${readyReplicas}/${availableReplicas}/${updatedReplicas}/${desired}`;
    const prog = this.progress.get(d.metadata.uid);
    const nowMs = Date.now();
    if (!prog || prog.fingerprint !== fingerprint) {
      this.progress.set(d.metadata.uid, { at: nowMs, fingerprint });
    }
    const sinceProgress =
      nowMs - (this.progress.get(d.metadata.uid)?.at ?? nowMs);
    const deadlineMs = this.ms((d.spec.progressDeadlineSeconds ?? 600) * 1000);
    const previousProgressing = (d.status?.conditions ?? []).find(
      (c: any) => c.type === 'Progressing',
    );

    let progressing;
    if (complete) {
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
      );
    } else if (
      sinceProgress > deadlineMs ||
      (previousProgressing?.reason === 'ProgressDeadlineExceeded' &&
        prog?.fingerprint === fingerprint)
    ) {
      progressing = condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${current.metadata.name}" has timed out progressing.`,
      );
    } else {
      progressing = condition(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${current.metadata.name}" is progressing.`,
      );
    }
    const availableCondition =
      availableReplicas >= desired - maxUnavail
        ? condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          )
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          );

    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas,
      readyReplicas,
      availableReplicas,
      ...(replicas - availableReplicas > 0
        ? { unavailableReplicas: replicas - availableReplicas }
        : {}),
      conditions: mergeConditions(d.status?.conditions, [
        availableCondition,
        progressing,
      ]),
    };
    const revision = current.metadata.annotations?.[REVISION];
    const annotations = { ...d.metadata.annotations, [REVISION]: revision };
    if (
      !sameJson(status, d.status) ||
      d.metadata.annotations?.[REVISION] !== revision
    ) {
      if (
        progressing.reason === 'ProgressDeadlineExceeded' &&
        previousProgressing?.reason !== 'ProgressDeadlineExceeded'
      ) {
        this.recordEvent(
          d,
          'Warning',
          'ProgressDeadlineExceeded',
          `Deployment "${d.metadata.name}" has timed out progressing.`,
          'deployment-controller',
        );
      }
      this.write(this.t.deployments, {
        ...d,
        metadata: { ...d.metadata, annotations },
        status,
      });
      changed = true;
    }
    return changed;
  }

  // ---- ReplicaSets ------------------------------------------------------

  private newPod(
    owner: any,
    name: string,
    extraLabels: Record<string, string> = {},
  ) {
    const template = structuredClone(owner.spec.template ?? {});
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...template.metadata?.labels, ...extraLabels },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [ownerRef(owner)],
      },
      spec: {
        ...template.spec,
        serviceAccountName: template.spec?.serviceAccountName ?? 'default',
        nodeName: 'sandbox-node',
      },
      status: {
        phase: 'Pending',
        qosClass: 'BestEffort',
        conditions: [condition('PodScheduled', 'True', '', '')].map(c => ({
          type: c.type,
          status: c.status,
          lastTransitionTime: c.lastTransitionTime,
        })),
      },
    };
    const created = this.store.create(this.t.pods, pod);
    this.recordEvent(
      owner,
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${name}`,
      owner.kind === 'ReplicaSet'
        ? 'replicaset-controller'
        : 'statefulset-controller',
    );
    this.recordEvent(
      created,
      'Normal',
      'Scheduled',
      `Successfully assigned ${created.metadata.namespace}/${name} to sandbox-node`,
      'default-scheduler',
    );
    return created;
  }

  private reconcileReplicaSet(rs: any): boolean {
    if (this.terminating(rs.metadata.namespace)) return false;
    let changed = false;
    const selector = labelSelectorFromObject(rs.spec.selector);
    let pods = this.store
      .list(this.t.pods, rs.metadata.namespace)
      .filter(p => ownedBy(p, rs) && selector(p));
    const desired = rs.spec.replicas ?? 1;
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) {
        this.newPod(
          rs,
          `${rs.metadata.name}-${randomBytes(4).toString('hex').slice(0, 5)}`,
        );
      }
      changed = true;
    } else if (pods.length > desired) {
      // Remove not-ready pods first, newest first, like the real controller.
      const victims = [...pods]
        .sort(
          (a, b) =>
            Number(isPodReady(a)) - Number(isPodReady(b)) ||
            String(b.metadata.creationTimestamp).localeCompare(
              String(a.metadata.creationTimestamp),
            ),
        )
        .slice(0, pods.length - desired);
      for (const p of victims) {
        this.store.delete(this.t.pods, p.metadata.namespace, p.metadata.name);
        this.recordEvent(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${p.metadata.name}`,
          'replicaset-controller',
        );
      }
      changed = true;
    }
    pods = this.store
      .list(this.t.pods, rs.metadata.namespace)
      .filter(p => ownedBy(p, rs) && selector(p));
    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    if (!sameJson(status, rs.status)) {
      this.write(this.t.replicasets, { ...rs, status });
      changed = true;
    }
    return changed;
  }

  // ---- StatefulSets -----------------------------------------------------

  private reconcileStatefulSet(s: any): boolean {
    if (this.terminating(s.metadata.namespace)) return false;
    let changed = false;
    const ns = s.metadata.namespace;
    const desired = s.spec.replicas ?? 1;
    const revision = `${s.metadata.name}-${templateHash(s.spec.template)}`;
    const parallel = s.spec.podManagementPolicy === 'Parallel';
    const podName = (i: number) => `${s.metadata.name}-${i}`;
    const pods = () =>
      this.store.list(this.t.pods, ns).filter(p => ownedBy(p, s));

    for (let i = 0; i < desired; i++) {
      const existing = this.store.get(this.t.pods, ns, podName(i));
      if (existing) {
        if (!isPodReady(existing) && !parallel) break;
        continue;
      }
      this.newPod(s, podName(i), {
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': podName(i),
        'apps.kubernetes.io/pod-index': String(i),
      });
      changed = true;
      if (!parallel) break;
    }
    // Scale down from the highest ordinal.
    for (const p of pods()) {
      const ordinal = Number(p.metadata.name.slice(s.metadata.name.length + 1));
      if (ordinal >= desired) {
        this.store.delete(this.t.pods, ns, p.metadata.name);
        this.recordEvent(
          s,
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${p.metadata.name} in StatefulSet ${s.metadata.name} successful`,
          'statefulset-controller',
        );
        changed = true;
      }
    }
    // Rolling update: replace one outdated pod at a time, highest first,
    // once all pods are ready.
    const current = pods();
    const outdated = current
      .filter(p => p.metadata.labels?.['controller-revision-hash'] !== revision)
      .sort((a, b) =>
        b.metadata.name.localeCompare(a.metadata.name, undefined, {
          numeric: true,
        }),
      );
    if (outdated.length > 0 && current.every(isPodReady)) {
      this.store.delete(this.t.pods, ns, outdated[0].metadata.name);
      changed = true;
    }
    const finalPods = pods();
    const ready = finalPods.filter(isPodReady).length;
    const updated = finalPods.filter(
      p => p.metadata.labels?.['controller-revision-hash'] === revision,
    ).length;
    const status = {
      observedGeneration: s.metadata.generation,
      replicas: finalPods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      currentRevision:
        updated === finalPods.length
          ? revision
          : s.status?.currentRevision ?? revision,
      updateRevision: revision,
      collisionCount: 0,
    };
    if (!sameJson(status, s.status)) {
      this.write(this.t.statefulsets, { ...s, status });
      changed = true;
    }
    return changed;
  }

  // ---- Pods -------------------------------------------------------------

  private reconcilePod(pod: any): boolean {
    if (
      pod.metadata.deletionTimestamp ||
      pod.status?.phase === 'Succeeded' ||
      pod.status?.phase === 'Failed'
    )
      return false;
    const created = Date.parse(pod.metadata.creationTimestamp);
    // creationTimestamp has second precision, so new pods are timed from when
    // the controller first sees them; pods restored from persisted state that
    // already started keep their age instead of starting over.
    const started =
      pod.status?.phase !== undefined && pod.status.phase !== 'Pending';
    const start =
      this.podStarts.get(pod.metadata.uid) ?? (started ? created : Date.now());
    this.podStarts.set(pod.metadata.uid, start);
    const age = Date.now() - start;
    const { failure, extraStartDelayMs } = podBehaviour(pod);
    const startMs = this.ms(this.podStartMs + extraStartDelayMs);
    const readyMs = startMs + this.ms(this.podReadyMs);
    const containers: any[] = pod.spec?.containers ?? [];
    const previous = pod.status ?? {};
    const prevStatuses: any[] = previous.containerStatuses ?? [];
    const ts = now();
    const base = (c: any) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      started: false,
      ready: false,
      restartCount:
        prevStatuses.find(s => s.name === c.name)?.restartCount ?? 0,
    });

    let phase = 'Pending';
    let ready = false;
    let statuses: any[];
    const events: [string, 'Normal' | 'Warning', string, string][] = [];
    if (age < startMs && failure !== 'image-pull') {
      statuses = containers.map(c => ({
        ...base(c),
        state: { waiting: { reason: 'ContainerCreating' } },
      }));
    } else if (failure === 'image-pull') {
      const cycle = Math.floor(age / Math.max(1, startMs));
      // The kubelet alternates between a pull error and backing off.
      let reason = 'ContainerCreating';
      if (cycle >= 1)
        reason = cycle % 2 === 1 ? 'ErrImagePull' : 'ImagePullBackOff';
      statuses = containers.map(c => ({
        ...base(c),
        state: {
          waiting: {
            reason,
            ...(reason === 'ContainerCreating'
              ? {}
              : { message: `Back-off pulling image "${c.image}"` }),
          },
        },
      }));
      if (reason === 'ErrImagePull') {
        for (const c of containers) {
          events.push([
            'Pulling',
            'Normal',
            c.image,
            `Pulling image "${c.image}"`,
          ]);
          events.push([
            'Failed',
            'Warning',
            c.image,
            `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`,
          ]);
        }
      } else if (reason === 'ImagePullBackOff') {
        for (const c of containers)
          events.push([
            'BackOff',
            'Normal',
            c.image,
            `Back-off pulling image "${c.image}"`,
          ]);
      }
    } else if (failure === 'crash-loop') {
      phase = 'Running';
      const crashes =
        Math.floor(
          (age - startMs) / Math.max(1, this.ms(this.crashIntervalMs)),
        ) + 1;
      statuses = containers.map(c => ({
        ...base(c),
        restartCount: crashes,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off restarting failed container ${c.name} in pod ${pod.metadata.name}`,
          },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: ts,
            finishedAt: ts,
          },
        },
      }));
      for (const c of containers)
        events.push([
          'BackOff',
          'Warning',
          c.name,
          `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}`,
        ]);
    } else {
      phase = 'Running';
      ready = age >= readyMs;
      statuses = containers.map(c => {
        const prev = prevStatuses.find(s => s.name === c.name);
        return {
          ...base(c),
          imageID: `docker.io/library/${c.image}@sha256:${createHash('sha256')
            .update(String(c.image))
            .digest('hex')}`,
          containerID:
            prev?.containerID ??
            `containerd://${randomBytes(32).toString('hex')}`,
          started: true,
          ready,
          state: {
            running: { startedAt: prev?.state?.running?.startedAt ?? ts },
          },
        };
      });
      if (!prevStatuses.some(s => s.state?.running)) {
        for (const c of containers) {
          events.push([
            'Pulled',
            'Normal',
            c.name,
            `Container image "${c.image}" already present on machine`,
          ]);
          events.push([
            'Created',
            'Normal',
            c.name,
            `Created container ${c.name}`,
          ]);
          events.push([
            'Started',
            'Normal',
            c.name,
            `Started container ${c.name}`,
          ]);
        }
      }
    }
    const cond = (type: string, ok: boolean) => {
      const old = (previous.conditions ?? []).find((c: any) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime:
          old && old.status === status ? old.lastTransitionTime : ts,
      };
    };
    const status = {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', phase === 'Running'),
        cond('Initialized', true),
        cond('Ready', ready),
        cond('ContainersReady', ready),
        cond('PodScheduled', true),
      ],
      hostIP: '10.0.0.10',
      podIP: previous.podIP ?? `10.244.${(start >> 8) & 255}.${start & 255}`,
      startTime: previous.startTime ?? pod.metadata.creationTimestamp,
      containerStatuses: statuses,
      qosClass: previous.qosClass ?? 'BestEffort',
    };
    // Compare without timestamps so unchanged pods are not rewritten.
    const strip = (s: any) =>
      JSON.stringify(s, (k, v) =>
        k === 'startedAt' || k === 'finishedAt' || k === 'lastTransitionTime'
          ? undefined
          : v,
      );
    if (strip(status) === strip(previous)) return false;
    const updated = this.write(this.t.pods, { ...pod, status });
    for (const [reason, type, , message] of events)
      this.recordEvent(updated, type, reason, message, 'kubelet');
    return true;
  }

  private readonly podStarts = new Map<string, number>();
}
