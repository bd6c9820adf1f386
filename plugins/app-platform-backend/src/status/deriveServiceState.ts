import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
  V1StatefulSetStatus,
} from '@kubernetes/client-node';
import { APP_PLATFORM_LABELS } from '@internal/plugin-app-platform-common';

/** What a service looks like in one cluster, as the status API shows it. */
export type ServiceState = {
  state: 'deploying' | 'running' | 'failed' | 'stopped';
  /** Machine-readable cause, mostly the Kubernetes reason (`ImagePullBackOff`, `FailedCreate`, …). */
  reason?: string;
  /** Human-readable detail, from the object that carries the cause. */
  message?: string;
  readyReplicas: number;
  desiredReplicas: number;
  updatedReplicas: number;
  version?: string;
};

/**
 * Everything the cache holds about one service (or middleware instance) in
 * one cluster. Services run as a Deployment; middleware instances as a
 * Deployment or a StatefulSet, whose pods it owns directly.
 */
export type ServiceObjects = {
  deployment?: V1Deployment;
  statefulSet?: V1StatefulSet;
  replicaSets: readonly V1ReplicaSet[];
  pods: readonly V1Pod[];
  /** Events about the workload, its ReplicaSets or its Pods, any order. */
  events: readonly CoreV1Event[];
};

/** The object whose rollout is the service's state, with its kind (list items carry none). */
export type Workload =
  | { kind: 'Deployment'; object: V1Deployment }
  | { kind: 'StatefulSet'; object: V1StatefulSet };

/**
 * The service's workload: its Deployment, else its StatefulSet. Both exist
 * only while a new version changes the kind and the old one is being
 * deleted; then the one that stays is the workload.
 */
export function workloadOf(
  objects: Pick<ServiceObjects, 'deployment' | 'statefulSet'>,
): Workload | undefined {
  const { deployment, statefulSet } = objects;
  if (deployment && !(deployment.metadata?.deletionTimestamp && statefulSet)) {
    return { kind: 'Deployment', object: deployment };
  }
  return statefulSet ? { kind: 'StatefulSet', object: statefulSet } : undefined;
}

/** The label the deploy engine puts on pod templates for the released version. */
const VERSION_LABEL = APP_PLATFORM_LABELS.version;

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** The StatefulSet controller's label on each pod: the pod's revision. */
const REVISION_HASH_LABEL = 'controller-revision-hash';

/**
 * Container waiting reasons that will not go away by waiting: the same list
 * `kubectl rollout status` turns into warnings (rollout_status.go,
 * `appendWarning`), plus InvalidImageName and ErrImageNeverPull, which the
 * kubelet never retries successfully either.
 */
const FAILING_WAIT_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

/**
 * Derives a service's state from what the cluster says about it, without any
 * cluster call. The rules follow `kubectl rollout status` (kubernetes
 * `staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go`):
 * a Deployment's rollout is done when the controller has observed the
 * current generation, all desired replicas are updated, no old ones are left
 * and all updated ones are available; `ProgressDeadlineExceeded` is a
 * failure. A StatefulSet's is done when all replicas are ready and updated
 * and its current revision is the update revision. On top of that a
 * failure the user must act on (bad image, crash loop, missing config, quota,
 * no room to schedule) is reported at once rather than only after the progress
 * deadline, because that is what a person watching a deploy wants to see.
 *
 * Timestamps may be `Date`s (client-node list models) or strings (raw watch
 * events); they are only read through `toMillis`.
 */
export function deriveServiceState(
  objects: ServiceObjects,
  options?: { versionLabel?: string },
): ServiceState {
  const workload = workloadOf(objects);
  if (!workload) {
    // Each kind has its own watch, so a new service's ReplicaSet or Pods can
    // reach the cache before its Deployment (or StatefulSet) does: that is a
    // deploy in progress, not a stopped service.
    const pending =
      objects.replicaSets.some(rs => !rs.metadata?.deletionTimestamp) ||
      objects.pods.some(p => !p.metadata?.deletionTimestamp);
    if (pending) {
      return {
        state: 'deploying',
        reason: 'WaitingForDeployment',
        message:
          'ReplicaSets or Pods seen before their Deployment or StatefulSet',
        readyReplicas: 0,
        desiredReplicas: 0,
        updatedReplicas: 0,
      };
    }
    return {
      state: 'stopped',
      reason: 'NotDeployed',
      message: 'no Deployment or StatefulSet in this cluster',
      readyReplicas: 0,
      desiredReplicas: 0,
      updatedReplicas: 0,
    };
  }
  const { object } = workload;
  const status = object.status ?? {};
  const desiredReplicas = object.spec?.replicas ?? 1;
  const counts = {
    readyReplicas: status.readyReplicas ?? 0,
    desiredReplicas,
    updatedReplicas: status.updatedReplicas ?? 0,
  };
  const version = versionOf(object, options?.versionLabel ?? VERSION_LABEL);
  const base = version === undefined ? counts : { ...counts, version };

  if (object.metadata?.deletionTimestamp) {
    return { ...base, state: 'stopped', reason: 'Deleting' };
  }

  const live = objects.pods.filter(p => !p.metadata?.deletionTimestamp);
  if (desiredReplicas === 0) {
    // Scaled to zero: stopped once the controller has caught up and the last
    // pod is gone; until then it is still winding down.
    const remaining = Math.max(status.replicas ?? 0, live.length);
    return remaining === 0
      ? { ...base, state: 'stopped' }
      : {
          ...base,
          state: 'deploying',
          reason: 'Stopping',
          message: `${remaining} pod(s) still terminating`,
        };
  }

  // As kubectl: until the controller has seen this generation, status
  // describes the previous spec and says nothing about this rollout.
  const generation = object.metadata?.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  if (observed < generation) {
    return {
      ...base,
      state: 'deploying',
      reason: 'NewGeneration',
      message: `waiting for the ${workload.kind.toLowerCase()} spec update to be observed`,
    };
  }

  return workload.kind === 'Deployment'
    ? deploymentState(workload.object, objects, live, base)
    : statefulSetState(workload.object, objects, live, base);
}

type Counts = Omit<ServiceState, 'state' | 'reason' | 'message'>;

/** A Deployment's rollout, once its generation is observed and it should run. */
function deploymentState(
  deployment: V1Deployment,
  objects: ServiceObjects,
  live: readonly V1Pod[],
  base: Counts,
): ServiceState {
  const status = deployment.status ?? {};
  const desiredReplicas = base.desiredReplicas;
  const name = deployment.metadata?.name ?? 'deployment';
  const revision = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
  const newRs = newReplicaSet(deployment, objects.replicaSets);
  if (revision !== undefined && !newRs) {
    // The controller stamps the ReplicaSet before the Deployment, but each
    // kind has its own watch: until the cache has the ReplicaSet of this
    // revision, the newest one it has may be the version being replaced,
    // and a rollback would inherit that version's failing pods.
    return {
      ...base,
      state: 'deploying',
      reason: 'WaitingForReplicaSet',
      message: `waiting for the ReplicaSet of revision ${revision}`,
    };
  }
  const newPods = newRs ? podsOf(newRs, live) : live;
  const cause =
    replicaFailure(deployment, newRs) ??
    podFailure(newPods, objects.events) ??
    createFailureEvent(
      newRs,
      newRs?.spec?.replicas ?? 0,
      newPods,
      objects.events,
    );

  const progressing = condition(deployment, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    // The deadline is the verdict; the root cause (if known) is the reason,
    // since "deadline exceeded" alone tells nobody what to fix.
    return {
      ...base,
      state: 'failed',
      reason: cause?.reason ?? 'ProgressDeadlineExceeded',
      message: cause
        ? `${cause.message} (progress deadline exceeded)`
        : progressing.message ??
          `deployment "${name}" exceeded its progress deadline`,
    };
  }
  if (cause) return { ...base, state: 'failed', ...cause };

  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desiredReplicas) {
    return {
      ...base,
      state: 'deploying',
      reason: 'RollingOut',
      message: `${updated} out of ${desiredReplicas} new replicas have been updated`,
    };
  }
  if (total > updated) {
    return {
      ...base,
      state: 'deploying',
      reason: 'RollingOut',
      message: `${total - updated} old replicas are pending termination`,
    };
  }
  if (available < updated) {
    return {
      ...base,
      state: 'deploying',
      reason: 'RollingOut',
      message: `${available} of ${updated} updated replicas are available`,
    };
  }
  return { ...base, state: 'running' };
}

/**
 * A StatefulSet's rollout, once its generation is observed and it should
 * run: as `kubectl rollout status statefulset`, done when all replicas are
 * ready and updated and the controller has made the update revision the
 * current one (which it does only then). Pods are told apart by their
 * `controller-revision-hash` label. A failing pod of the old revision counts
 * too, unlike a Deployment's old ReplicaSet: the StatefulSet controller
 * replaces pods one at a time and waits for the ones it keeps, so that pod
 * blocks the rollout rather than being on its way out.
 */
function statefulSetState(
  statefulSet: V1StatefulSet,
  objects: ServiceObjects,
  live: readonly V1Pod[],
  base: Counts,
): ServiceState {
  const status: Partial<V1StatefulSetStatus> = statefulSet.status ?? {};
  const desired = base.desiredReplicas;
  const owned = ownedPods(statefulSet, live);
  const updateRevision = status.updateRevision;
  const isUpdated = (p: V1Pod) =>
    updateRevision === undefined ||
    p.metadata?.labels?.[REVISION_HASH_LABEL] === updateRevision;
  const cause =
    podFailure(
      [...owned.filter(isUpdated), ...owned.filter(p => !isUpdated(p))],
      objects.events,
    ) ?? createFailureEvent(statefulSet, desired, owned, objects.events);
  if (cause) return { ...base, state: 'failed', ...cause };

  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? ready;
  // Pods below the partition keep the old revision on purpose.
  const partition =
    statefulSet.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const toUpdate = Math.max(0, desired - partition);
  const rollingOut = (message: string): ServiceState => ({
    ...base,
    state: 'deploying',
    reason: 'RollingOut',
    message,
  });
  if (ready < desired) {
    return rollingOut(`${ready} of ${desired} replicas are ready`);
  }
  if (updated < toUpdate) {
    return rollingOut(
      `${updated} out of ${toUpdate} new replicas have been updated`,
    );
  }
  if (total > desired) {
    return rollingOut(`${total - desired} replicas are pending termination`);
  }
  if (partition === 0 && status.currentRevision !== updateRevision) {
    return rollingOut(
      `waiting for the rolling update to complete: ${updated} pods at revision ${updateRevision}`,
    );
  }
  if (available < desired) {
    return rollingOut(`${available} of ${desired} replicas are available`);
  }
  return { ...base, state: 'running' };
}

type Cause = { reason: string; message: string };

function condition(
  obj: V1Deployment | V1ReplicaSet,
  type: string,
): { status?: string; reason?: string; message?: string } | undefined {
  return obj.status?.conditions?.find(c => c.type === type);
}

function versionOf(workload: V1Deployment | V1StatefulSet, label: string) {
  const labels = workload.spec?.template?.metadata?.labels;
  if (labels?.[label]) return labels[label];
  // Without the label the image tag is the next best name for what runs.
  // The tag sits after the last `/` (a registry may have a port) and before
  // any `@digest`.
  const image = workload.spec?.template?.spec?.containers?.[0]?.image;
  const lastPart = image?.split('@')[0].split('/').pop();
  const colon = lastPart?.lastIndexOf(':') ?? -1;
  return colon >= 0 ? lastPart!.slice(colon + 1) : undefined;
}

/**
 * The ReplicaSet of the Deployment's current revision (the deployment
 * controller stamps both with `deployment.kubernetes.io/revision`), none when
 * no ReplicaSet has that revision yet; without the annotation, the newest one
 * the Deployment owns.
 */
function newReplicaSet(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet | undefined {
  const uid = deployment.metadata?.uid;
  // ReplicaSets without owner references (hand-made fixtures, orphans being
  // adopted) are kept: the label selector already tied them to the service.
  const owned = replicaSets.filter(rs => {
    const owners = rs.metadata?.ownerReferences;
    return !uid || !owners?.length || owners.some(o => o.uid === uid);
  });
  const revision = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
  if (revision !== undefined) {
    return owned.find(
      rs => rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision,
    );
  }
  return [...owned].sort(
    (a, b) =>
      revisionOf(b) - revisionOf(a) ||
      toMillis(b.metadata?.creationTimestamp) -
        toMillis(a.metadata?.creationTimestamp),
  )[0];
}

function revisionOf(rs: V1ReplicaSet) {
  return Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;
}

/**
 * The pods a StatefulSet owns. Pods without owner references are kept, as
 * for ReplicaSets: the label selector already tied them to the service.
 */
function ownedPods(
  statefulSet: V1StatefulSet,
  pods: readonly V1Pod[],
): V1Pod[] {
  const uid = statefulSet.metadata?.uid;
  return pods.filter(p => {
    const owners = p.metadata?.ownerReferences;
    return !uid || !owners?.length || owners.some(o => o.uid === uid);
  });
}

function podsOf(rs: V1ReplicaSet, pods: readonly V1Pod[]): V1Pod[] {
  const uid = rs.metadata?.uid;
  const hash = rs.metadata?.labels?.['pod-template-hash'];
  return pods.filter(p =>
    p.metadata?.ownerReferences?.length
      ? p.metadata.ownerReferences.some(o => o.uid === uid)
      : hash !== undefined &&
        p.metadata?.labels?.['pod-template-hash'] === hash,
  );
}

/**
 * Pods that could not be created (quota, LimitRange, admission): the
 * ReplicaSet controller sets `ReplicaFailure` on the ReplicaSet, and the
 * deployment controller copies it onto the Deployment.
 */
function replicaFailure(
  deployment: V1Deployment,
  newRs: V1ReplicaSet | undefined,
): Cause | undefined {
  for (const c of [
    newRs && condition(newRs, 'ReplicaFailure'),
    condition(deployment, 'ReplicaFailure'),
  ]) {
    if (c?.status === 'True') {
      return {
        reason: c.reason ?? 'ReplicaFailure',
        message: c.message ?? 'pods could not be created',
      };
    }
  }
  return undefined;
}

function podFailure(
  pods: readonly V1Pod[],
  events: readonly CoreV1Event[],
): Cause | undefined {
  for (const pod of pods) {
    const statuses: V1ContainerStatus[] = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    for (const cs of statuses) {
      // A container killed for memory shows CrashLoopBackOff (or Running,
      // not ready) with OOMKilled as its last termination: the real cause.
      if (!cs.ready && cs.lastState?.terminated?.reason === 'OOMKilled') {
        return {
          reason: 'OOMKilled',
          message: `container ${cs.name} was killed for exceeding its memory limit (restarted ${cs.restartCount} times)`,
        };
      }
      const waiting = cs.state?.waiting;
      if (waiting?.reason && FAILING_WAIT_REASONS.has(waiting.reason)) {
        return {
          reason: waiting.reason,
          message:
            waiting.message ??
            latestWarning(events, pod)?.message ??
            `container ${cs.name} is waiting: ${waiting.reason}`,
        };
      }
    }
    const scheduled = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled',
    );
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      return {
        reason: 'Unschedulable',
        message: scheduled.message ?? 'no node can run the pod',
      };
    }
  }
  return undefined;
}

/**
 * A `FailedCreate` warning about the pods' owner (the new ReplicaSet, or the
 * StatefulSet) while it lacks pods: the ReplicaFailure condition may lag the
 * event (or be missing on older clusters; StatefulSets have none), and the
 * event carries the same admission message.
 */
function createFailureEvent(
  owner: V1ReplicaSet | V1StatefulSet | undefined,
  wanted: number,
  newPods: readonly V1Pod[],
  events: readonly CoreV1Event[],
): Cause | undefined {
  if (!owner || newPods.length >= wanted) return undefined;
  const event = latestWarning(events, owner, 'FailedCreate');
  if (!event) return undefined;
  // Only trust an event newer than the ReplicaSet's newest pod: an old
  // refusal that has since been overcome says nothing about now.
  const newestPod = Math.max(
    0,
    ...newPods.map(p => toMillis(p.metadata?.creationTimestamp)),
  );
  if (eventTime(event) < newestPod) return undefined;
  return {
    reason: 'FailedCreate',
    message: event.message ?? 'pods could not be created',
  };
}

function latestWarning(
  events: readonly CoreV1Event[],
  about: { metadata?: V1ObjectMeta },
  reason?: string,
): CoreV1Event | undefined {
  const uid = about.metadata?.uid;
  const name = about.metadata?.name;
  let latest: CoreV1Event | undefined;
  for (const e of events) {
    if (e.type !== 'Warning') continue;
    if (reason && e.reason !== reason) continue;
    const io = e.involvedObject;
    const matches = io?.uid ? io.uid === uid : io?.name === name;
    if (!matches) continue;
    if (!latest || eventTime(e) >= eventTime(latest)) latest = e;
  }
  return latest;
}

function eventTime(e: CoreV1Event): number {
  return Math.max(
    toMillis(e.series?.lastObservedTime),
    toMillis(e.lastTimestamp),
    toMillis(e.eventTime),
    toMillis(e.metadata?.creationTimestamp),
  );
}

/** Milliseconds of a timestamp that may be a `Date` or an RFC 3339 string. */
export function toMillis(value: Date | string | undefined): number {
  if (!value) return 0;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? 0 : ms;
}
