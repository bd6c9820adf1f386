import { createHash } from 'node:crypto';
import type { KubeApi } from '../server/KubeApi';
import { ObjectStore } from '../server/ObjectStore';
import { ResourceRegistry, ResourceType } from '../server/resources';
import { StatusError } from '../server/StatusError';
import { now } from './objects';

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
  /**
   * How long a deleted pod's containers take to stop (capped by its
   * terminationGracePeriodSeconds; a pod annotated `fail: ignore-sigterm`
   * takes the whole grace period).
   */
  podStopMs?: number;
  /** How long a Job's pod runs before it exits (annotation `run-ms` overrides). */
  jobPodRunMs?: number;
  /** How often the controller re-evaluates time-based state (real ms). */
  tickIntervalMs?: number;
  /** When false the controller only acts on `tick()` calls. */
  autoTick?: boolean;
}

/** What the simulated cluster has, besides timings. */
export interface ClusterSettings {
  /**
   * Image repositories (`registry/repo`, `repo` for Docker Hub, or with a
   * `:tag`) that "do not exist": pulls fail with not found.
   */
  unknownImages?: string[];
  /** Storage classes besides the default `standard` that provision volumes. */
  storageClasses?: string[];
  /** Allocatable resources of the single node (default cpu 4, memory 16Gi, pods 110). */
  nodeCapacity?: { cpu?: string; memory?: string; pods?: number };
  /** Real ms a deleted namespace stays Terminating at least (default 3000). */
  namespaceTerminationMs?: number;
}

export type EventType = 'Normal' | 'Warning';

export const NODE_NAME = 'sandbox-node';

/**
 * Everything a controller needs: the API (for writes that real controllers
 * send through admission, like creating pods), the store (for reads and
 * status writes), resource types, clock scaling and event recording.
 */
export class ControllerContext {
  readonly speed: number;
  readonly podStartMs: number;
  readonly podReadyMs: number;
  readonly crashIntervalMs: number;
  readonly podStopMs: number;
  readonly jobPodRunMs: number;
  readonly namespaceTerminationMs: number;
  readonly t: Record<string, ResourceType>;
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;

  private constructor(
    readonly api: KubeApi,
    timings: ControllerTimings,
    readonly settings: ClusterSettings,
  ) {
    this.store = api.store;
    this.registry = api.registry;
    this.speed = timings.speed ?? 1;
    this.podStartMs = timings.podStartMs ?? 1000;
    this.podReadyMs = timings.podReadyMs ?? 1000;
    this.crashIntervalMs = timings.crashIntervalMs ?? 5000;
    this.podStopMs = timings.podStopMs ?? 1000;
    this.jobPodRunMs = timings.jobPodRunMs ?? 2000;
    this.namespaceTerminationMs = settings.namespaceTerminationMs ?? 3000;
    const r = this.registry;
    this.t = {
      deployments: r.get('apps', 'deployments'),
      replicasets: r.get('apps', 'replicasets'),
      statefulsets: r.get('apps', 'statefulsets'),
      jobs: r.get('batch', 'jobs'),
      pods: r.get('', 'pods'),
      events: r.get('', 'events'),
      namespaces: r.get('', 'namespaces'),
      services: r.get('', 'services'),
      endpoints: r.get('', 'endpoints'),
      endpointslices: r.get('discovery.k8s.io', 'endpointslices'),
      pvcs: r.get('', 'persistentvolumeclaims'),
      resourcequotas: r.get('', 'resourcequotas'),
      configmaps: r.get('', 'configmaps'),
      secrets: r.get('', 'secrets'),
    };
  }

  static create(
    api: KubeApi,
    timings: ControllerTimings,
    settings: ClusterSettings,
  ) {
    return new ControllerContext(api, timings, settings);
  }

  /** A simulated duration in real milliseconds. */
  ms(simulated: number) {
    return simulated / this.speed;
  }

  /** Whether the namespace is gone or going (controllers leave it alone). */
  terminating(namespace: string) {
    const ns = this.store.get(this.t.namespaces, undefined, namespace);
    return !ns || ns.status?.phase === 'Terminating';
  }

  /** Writes an object back as the controllers' status writes do. */
  write(t: ResourceType, obj: any) {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    return this.store.update(t, { ...obj, metadata });
  }

  /** Reads the latest version of `obj`, or undefined once it is gone. */
  latest(t: ResourceType, obj: any) {
    return this.store.get(t, obj.metadata.namespace, obj.metadata.name);
  }

  /**
   * Creates an object through the API, so admission (quota, limit ranges,
   * namespace lifecycle) applies as it does to kube-controller-manager.
   * Returns the error instead of throwing when the API refuses.
   */
  createThroughApi(t: ResourceType, obj: any, component: string) {
    try {
      return {
        created: this.api.create(
          t,
          obj.metadata.namespace,
          obj,
          { fieldManager: component },
          component,
        ),
      };
    } catch (e) {
      if (e instanceof StatusError) return { error: e };
      throw e;
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
        namespace: obj.metadata.namespace,
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
}
