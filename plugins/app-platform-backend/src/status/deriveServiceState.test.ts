import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  deriveServiceState,
  ServiceObjects,
  toMillis,
  workloadOf,
} from './deriveServiceState';

const REVISION = 'deployment.kubernetes.io/revision';

/** A Deployment whose rollout of revision 2 finished: 3 of 3 ready. */
function deployment(
  patch: {
    replicas?: number;
    generation?: number;
    status?: V1Deployment['status'];
    labels?: Record<string, string>;
    image?: string;
    deleting?: boolean;
  } = {},
): V1Deployment {
  const replicas = patch.replicas ?? 3;
  return {
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'd-1',
      generation: patch.generation ?? 2,
      annotations: { [REVISION]: '2' },
      deletionTimestamp: patch.deleting ? new Date() : undefined,
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', ...patch.labels } },
        spec: {
          containers: [{ name: 'web', image: patch.image ?? 'nginx:1.27' }],
        },
      },
    },
    status: {
      observedGeneration: 2,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        },
      ],
      ...patch.status,
    },
  };
}

function replicaSet(
  revision: string,
  patch: {
    conditions?: NonNullable<V1ReplicaSet['status']>['conditions'];
    replicas?: number;
  } = {},
): V1ReplicaSet {
  return {
    metadata: {
      name: `web-${revision}`,
      namespace: 'shop',
      uid: `rs-${revision}`,
      labels: { app: 'web', 'pod-template-hash': `h${revision}` },
      annotations: { [REVISION]: revision },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-1' },
      ],
      creationTimestamp: new Date(Number(revision) * 1000),
    },
    spec: {
      replicas: patch.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
    },
    status: { replicas: 0, conditions: patch.conditions },
  };
}

function pod(
  name: string,
  revision: string,
  patch: {
    container?: Partial<V1ContainerStatus>;
    init?: Partial<V1ContainerStatus>;
    unschedulable?: string;
    deleting?: boolean;
    created?: Date | string;
  } = {},
): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `pod-${name}`,
      labels: { app: 'web', 'pod-template-hash': `h${revision}` },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `web-${revision}`,
          uid: `rs-${revision}`,
        },
      ],
      creationTimestamp: patch.created as Date | undefined,
      deletionTimestamp: patch.deleting ? new Date() : undefined,
    },
    status: {
      conditions: patch.unschedulable
        ? [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: patch.unschedulable,
            },
          ]
        : undefined,
      initContainerStatuses: patch.init
        ? [
            {
              name: 'init',
              image: 'busybox',
              imageID: '',
              ready: false,
              restartCount: 0,
              ...patch.init,
            },
          ]
        : undefined,
      containerStatuses: [
        {
          name: 'web',
          image: 'nginx',
          imageID: '',
          ready: !patch.container,
          restartCount: 0,
          state: { running: {} },
          ...patch.container,
        },
      ],
    },
  };
}

function warning(
  about: { kind: string; name: string; uid?: string },
  reason: string,
  message: string,
  at: string,
): CoreV1Event {
  return {
    metadata: { name: `${about.name}.${reason}.${at}`, namespace: 'shop' },
    involvedObject: { ...about, namespace: 'shop' },
    type: 'Warning',
    reason,
    message,
    lastTimestamp: at as unknown as Date,
  };
}

function objects(patch: Partial<ServiceObjects> = {}): ServiceObjects {
  return {
    deployment: deployment(),
    replicaSets: [replicaSet('1', { replicas: 0 }), replicaSet('2')],
    pods: [pod('a', '2'), pod('b', '2'), pod('c', '2')],
    events: [],
    ...patch,
  };
}

const waitingPod = (reason: string, message?: string) =>
  pod('bad', '2', {
    container: { ready: false, state: { waiting: { reason, message } } },
  });

describe('deriveServiceState', () => {
  it('is running when the rollout is complete, with the counts', () => {
    expect(deriveServiceState(objects())).toEqual({
      state: 'running',
      readyReplicas: 3,
      desiredReplicas: 3,
      updatedReplicas: 3,
      version: '1.27',
    });
  });

  it('takes the version from the version label before the image tag', () => {
    const d = deployment({
      labels: { 'app-platform.io/version': 'v42' },
      image: 'registry.example.com/web@sha256:abc',
    });
    expect(deriveServiceState(objects({ deployment: d })).version).toBe('v42');
    const digestOnly = deployment({
      image: 'registry.example.com/web@sha256:abc',
    });
    expect(
      deriveServiceState(objects({ deployment: digestOnly })).version,
    ).toBeUndefined();
    expect(
      deriveServiceState(
        objects({
          deployment: deployment({ image: 'localhost:5000/web:2.1' }),
        }),
      ).version,
    ).toBe('2.1');
  });

  it('is stopped without a Deployment', () => {
    expect(
      deriveServiceState({ replicaSets: [], pods: [], events: [] }),
    ).toMatchObject({
      state: 'stopped',
      reason: 'NotDeployed',
      desiredReplicas: 0,
    });
  });

  it('is deploying when ReplicaSets or Pods are seen before their Deployment', () => {
    expect(
      deriveServiceState({
        replicaSets: [replicaSet('2')],
        pods: [],
        events: [],
      }),
    ).toMatchObject({ state: 'deploying', reason: 'WaitingForDeployment' });
    expect(
      deriveServiceState({
        replicaSets: [],
        pods: [pod('a', '2')],
        events: [],
      }),
    ).toMatchObject({ state: 'deploying', reason: 'WaitingForDeployment' });
    // What is left of a deleted Deployment is no deploy.
    expect(
      deriveServiceState({
        replicaSets: [],
        pods: [pod('a', '2', { deleting: true })],
        events: [],
      }),
    ).toMatchObject({ state: 'stopped', reason: 'NotDeployed' });
  });

  it('is stopped at 0 replicas once the pods are gone, deploying while they terminate', () => {
    const zero = deployment({
      replicas: 0,
      status: {
        replicas: 0,
        updatedReplicas: 0,
        readyReplicas: 0,
        availableReplicas: 0,
      },
    });
    expect(
      deriveServiceState(objects({ deployment: zero, pods: [] })),
    ).toMatchObject({
      state: 'stopped',
      desiredReplicas: 0,
    });
    expect(
      deriveServiceState(objects({ deployment: zero, pods: [pod('a', '2')] })),
    ).toMatchObject({ state: 'deploying', reason: 'Stopping' });
    // A pod already marked for deletion does not hold "stopped" back.
    expect(
      deriveServiceState(
        objects({
          deployment: zero,
          pods: [pod('a', '2', { deleting: true })],
        }),
      ),
    ).toMatchObject({ state: 'stopped' });
  });

  it('is stopped while the Deployment is being deleted', () => {
    expect(
      deriveServiceState(
        objects({ deployment: deployment({ deleting: true }) }),
      ),
    ).toMatchObject({ state: 'stopped', reason: 'Deleting' });
  });

  it('is deploying until the controller has observed the new generation, as kubectl', () => {
    const d = deployment({ generation: 3 });
    expect(deriveServiceState(objects({ deployment: d }))).toMatchObject({
      state: 'deploying',
      reason: 'NewGeneration',
    });
  });

  it('is deploying while replicas are not all updated, old ones remain or updated ones are not available', () => {
    const cases: Array<[V1Deployment['status'], RegExp]> = [
      [{ updatedReplicas: 1 }, /1 out of 3 new replicas have been updated/],
      [{ replicas: 4 }, /1 old replicas are pending termination/],
      [{ availableReplicas: 2 }, /2 of 3 updated replicas are available/],
    ];
    for (const [status, message] of cases) {
      const result = deriveServiceState(
        objects({ deployment: deployment({ status }) }),
      );
      expect(result.state).toBe('deploying');
      expect(result.message).toMatch(message);
    }
  });

  it('counts a Deployment without replicas as 1 desired (the API default)', () => {
    const d = deployment({ replicas: 1 });
    delete d.spec!.replicas;
    expect(
      deriveServiceState(objects({ deployment: d, pods: [pod('a', '2')] })),
    ).toMatchObject({
      state: 'running',
      desiredReplicas: 1,
    });
  });

  it.each([
    'ImagePullBackOff',
    'ErrImagePull',
    'CrashLoopBackOff',
    'CreateContainerConfigError',
    'CreateContainerError',
    'InvalidImageName',
  ])('fails at once on a new pod waiting with %s, with its message', reason => {
    const result = deriveServiceState(
      objects({
        deployment: deployment({
          status: { availableReplicas: 2, readyReplicas: 2 },
        }),
        pods: [
          pod('a', '2'),
          pod('b', '2'),
          waitingPod(reason, `details of ${reason}`),
        ],
      }),
    );
    expect(result).toMatchObject({
      state: 'failed',
      reason,
      message: `details of ${reason}`,
      readyReplicas: 2,
    });
  });

  it('does not treat ContainerCreating or PodInitializing as a failure', () => {
    for (const reason of ['ContainerCreating', 'PodInitializing']) {
      const result = deriveServiceState(
        objects({
          deployment: deployment({ status: { availableReplicas: 2 } }),
          pods: [pod('a', '2'), pod('b', '2'), waitingPod(reason)],
        }),
      );
      expect(result.state).toBe('deploying');
    }
  });

  it('looks at init containers too', () => {
    const p = pod('a', '2', {
      init: {
        state: {
          waiting: {
            reason: 'CreateContainerConfigError',
            message: 'configmap "cfg" not found',
          },
        },
      },
    });
    expect(deriveServiceState(objects({ pods: [p] }))).toMatchObject({
      state: 'failed',
      reason: 'CreateContainerConfigError',
      message: 'configmap "cfg" not found',
    });
  });

  it('ignores failing pods of an old ReplicaSet and pods being deleted', () => {
    const oldBad = pod('old', '1', {
      container: {
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    });
    const dying = pod('dying', '2', {
      deleting: true,
      container: {
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    });
    expect(
      deriveServiceState(
        objects({
          pods: [pod('a', '2'), pod('b', '2'), pod('c', '2'), oldBad, dying],
        }),
      ).state,
    ).toBe('running');
  });

  it('is deploying until the ReplicaSet of the revision is seen, not failing with an older one', () => {
    // A rollback from a bad revision 3 to revision 2's template: the
    // controller moves that ReplicaSet to revision 4, and the cache may get
    // the Deployment before the ReplicaSet.
    const back = deployment();
    back.metadata!.annotations![REVISION] = '4';
    const pulling = pod('bad', '3', {
      container: {
        ready: false,
        state: { waiting: { reason: 'ErrImagePull', message: 'no such host' } },
      },
    });
    const pods = [pod('a', '2'), pod('b', '2'), pod('c', '2'), pulling];
    expect(
      deriveServiceState(
        objects({
          deployment: back,
          replicaSets: [replicaSet('2'), replicaSet('3', { replicas: 1 })],
          pods,
        }),
      ),
    ).toMatchObject({
      state: 'deploying',
      reason: 'WaitingForReplicaSet',
      message: 'waiting for the ReplicaSet of revision 4',
    });

    const restamped = replicaSet('2');
    restamped.metadata!.annotations![REVISION] = '4';
    expect(
      deriveServiceState(
        objects({
          deployment: back,
          replicaSets: [restamped, replicaSet('3', { replicas: 0 })],
          pods,
        }),
      ).state,
    ).toBe('running');
  });

  it('takes the message of the latest Warning event about the pod when the status has none', () => {
    const bad = waitingPod('ImagePullBackOff');
    const result = deriveServiceState(
      objects({
        pods: [bad],
        events: [
          warning(
            { kind: 'Pod', name: 'bad', uid: 'pod-bad' },
            'Failed',
            'older',
            '2026-01-01T00:00:00Z',
          ),
          warning(
            { kind: 'Pod', name: 'bad', uid: 'pod-bad' },
            'Failed',
            'newest',
            '2026-01-01T00:00:05Z',
          ),
          warning(
            { kind: 'Pod', name: 'other', uid: 'pod-other' },
            'Failed',
            'not ours',
            '2026-01-01T00:00:09Z',
          ),
        ],
      }),
    );
    expect(result).toMatchObject({
      state: 'failed',
      reason: 'ImagePullBackOff',
      message: 'newest',
    });
  });

  it('reports OOMKilled as the cause of a crash loop', () => {
    const p = pod('a', '2', {
      container: {
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      },
    });
    expect(deriveServiceState(objects({ pods: [p] }))).toMatchObject({
      state: 'failed',
      reason: 'OOMKilled',
      message: expect.stringContaining('memory limit'),
    });
    // Once it runs and is ready again, an old OOM kill is history.
    const recovered = pod('a', '2', {
      container: {
        ready: true,
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      },
    });
    expect(deriveServiceState(objects({ pods: [recovered] })).state).toBe(
      'running',
    );
  });

  it('fails on an unschedulable pod with the scheduler message', () => {
    const p = pod('a', '2', {
      unschedulable: '0/1 nodes are available: 1 Insufficient cpu.',
    });
    expect(
      deriveServiceState(
        objects({
          deployment: deployment({ status: { availableReplicas: 2 } }),
          pods: [p],
        }),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'Unschedulable',
      message: '0/1 nodes are available: 1 Insufficient cpu.',
    });
  });

  it('fails with the quota message when the new ReplicaSet has ReplicaFailure', () => {
    const quota =
      'pods "web-2-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2';
    const result = deriveServiceState(
      objects({
        deployment: deployment({
          status: { availableReplicas: 2, readyReplicas: 2 },
        }),
        replicaSets: [
          replicaSet('1', { replicas: 0 }),
          replicaSet('2', {
            conditions: [
              {
                type: 'ReplicaFailure',
                status: 'True',
                reason: 'FailedCreate',
                message: quota,
              },
            ],
          }),
        ],
        pods: [pod('a', '2'), pod('b', '2')],
      }),
    );
    expect(result).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      message: quota,
    });
  });

  it('ignores ReplicaFailure on an old ReplicaSet and one that is no longer True', () => {
    const failure = {
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'old',
    };
    expect(
      deriveServiceState(
        objects({
          replicaSets: [
            replicaSet('1', { replicas: 0, conditions: [failure] }),
            replicaSet('2'),
          ],
        }),
      ).state,
    ).toBe('running');
    expect(
      deriveServiceState(
        objects({
          replicaSets: [
            replicaSet('1', { replicas: 0 }),
            replicaSet('2', { conditions: [{ ...failure, status: 'False' }] }),
          ],
        }),
      ).state,
    ).toBe('running');
  });

  it('also reads ReplicaFailure copied onto the Deployment', () => {
    const d = deployment({
      status: {
        availableReplicas: 0,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: 'exceeded quota: q',
          },
        ],
      },
    });
    expect(
      deriveServiceState(objects({ deployment: d, pods: [] })),
    ).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      message: 'exceeded quota: q',
    });
  });

  it('fails on a recent FailedCreate event about the new ReplicaSet when it lacks pods', () => {
    const event = warning(
      { kind: 'ReplicaSet', name: 'web-2', uid: 'rs-2' },
      'FailedCreate',
      'Error creating: pods "web-2-z" is forbidden: exceeded quota: q',
      '2026-01-01T00:00:10Z',
    );
    const d = deployment({
      status: { availableReplicas: 2, readyReplicas: 2 },
    });
    const twoPods = [
      pod('a', '2', { created: '2026-01-01T00:00:01Z' }),
      pod('b', '2', { created: '2026-01-01T00:00:02Z' }),
    ];
    expect(
      deriveServiceState(
        objects({ deployment: d, pods: twoPods, events: [event] }),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      message: expect.stringContaining('exceeded quota'),
    });
    // A pod created after the refusal means the refusal is over.
    const later = [
      ...twoPods.slice(0, 1),
      pod('b', '2', { created: '2026-01-01T00:00:20Z' }),
    ];
    expect(
      deriveServiceState(
        objects({ deployment: d, pods: later, events: [event] }),
      ).state,
    ).toBe('deploying');
  });

  it('fails on ProgressDeadlineExceeded, naming the root cause when there is one', () => {
    const timedOut = deployment({
      status: {
        availableReplicas: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "web-2" has timed out progressing.',
          },
        ],
      },
    });
    expect(deriveServiceState(objects({ deployment: timedOut }))).toMatchObject(
      {
        state: 'failed',
        reason: 'ProgressDeadlineExceeded',
        message: 'ReplicaSet "web-2" has timed out progressing.',
      },
    );
    expect(
      deriveServiceState(
        objects({
          deployment: timedOut,
          pods: [waitingPod('ImagePullBackOff', 'Back-off pulling image')],
        }),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image (progress deadline exceeded)',
    });
  });

  it('ignores a stale ProgressDeadlineExceeded of a generation not yet observed', () => {
    const d = deployment({
      generation: 3,
      status: {
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
          },
        ],
      },
    });
    expect(deriveServiceState(objects({ deployment: d })).state).toBe(
      'deploying',
    );
  });

  it('picks the newest owned ReplicaSet when the revision annotation is missing', () => {
    const d = deployment();
    delete d.metadata!.annotations;
    const bad = pod('bad', '3', {
      container: {
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    });
    const result = deriveServiceState(
      objects({
        deployment: d,
        replicaSets: [replicaSet('2'), replicaSet('3')],
        pods: [pod('a', '2'), bad],
      }),
    );
    expect(result).toMatchObject({
      state: 'failed',
      reason: 'CrashLoopBackOff',
    });
  });
});

/** A StatefulSet whose rollout to revision `db-new` finished: 3 of 3 ready. */
function statefulSet(
  patch: {
    replicas?: number;
    generation?: number;
    status?: Partial<NonNullable<V1StatefulSet['status']>>;
    labels?: Record<string, string>;
    partition?: number;
    deleting?: boolean;
  } = {},
): V1StatefulSet {
  const replicas = patch.replicas ?? 3;
  return {
    metadata: {
      name: 'db',
      namespace: 'shop',
      uid: 'sts-1',
      generation: patch.generation ?? 2,
      deletionTimestamp: patch.deleting ? new Date() : undefined,
    },
    spec: {
      replicas,
      serviceName: 'db-headless',
      selector: { matchLabels: { app: 'db' } },
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: { partition: patch.partition ?? 0 },
      },
      template: {
        metadata: { labels: { app: 'db', ...patch.labels } },
        spec: { containers: [{ name: 'db', image: 'redis:7.4' }] },
      },
    },
    status: {
      observedGeneration: 2,
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      currentRevision: 'db-new',
      updateRevision: 'db-new',
      ...patch.status,
    },
  };
}

/** Pod `db-<ordinal>` of the StatefulSet, at a revision, as its controller makes it. */
function setPod(
  ordinal: number,
  revision: 'db-old' | 'db-new',
  patch: Parameters<typeof pod>[2] = {},
): V1Pod {
  const p = pod(`db-${ordinal}`, '0', patch);
  p.metadata!.labels = {
    app: 'db',
    'controller-revision-hash': revision,
    'statefulset.kubernetes.io/pod-name': `db-${ordinal}`,
  };
  p.metadata!.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts-1' },
  ];
  return p;
}

function instance(patch: Partial<ServiceObjects> = {}): ServiceObjects {
  return {
    statefulSet: statefulSet(),
    replicaSets: [],
    pods: [setPod(0, 'db-new'), setPod(1, 'db-new'), setPod(2, 'db-new')],
    events: [],
    ...patch,
  };
}

describe('deriveServiceState of a StatefulSet', () => {
  it('is running when all replicas are ready and updated, with the counts and version', () => {
    expect(deriveServiceState(instance())).toEqual({
      state: 'running',
      readyReplicas: 3,
      desiredReplicas: 3,
      updatedReplicas: 3,
      version: '7.4',
    });
    const labelled = statefulSet({
      labels: { 'app-platform.io/version': '12' },
    });
    expect(
      deriveServiceState(instance({ statefulSet: labelled })).version,
    ).toBe('12');
  });

  it('is deploying until the controller has observed the new generation', () => {
    expect(
      deriveServiceState(
        instance({ statefulSet: statefulSet({ generation: 3 }) }),
      ),
    ).toMatchObject({
      state: 'deploying',
      reason: 'NewGeneration',
      message: 'waiting for the statefulset spec update to be observed',
    });
  });

  it('is deploying while a rolling update is under way', () => {
    const cases: Array<
      [Partial<NonNullable<V1StatefulSet['status']>>, RegExp]
    > = [
      // db-2 was replaced and its new pod is not ready yet.
      [
        { readyReplicas: 2, availableReplicas: 2, updatedReplicas: 1 },
        /2 of 3 replicas are ready/,
      ],
      [
        { updatedReplicas: 1, currentRevision: 'db-old' },
        /1 out of 3 new replicas have been updated/,
      ],
      // All updated and ready, but the controller has not yet made the
      // update revision current.
      [
        { currentRevision: 'db-old' },
        /rolling update to complete: 3 pods at revision db-new/,
      ],
      [{ replicas: 4 }, /1 replicas are pending termination/],
      [{ availableReplicas: 2 }, /2 of 3 replicas are available/],
    ];
    for (const [status, message] of cases) {
      const result = deriveServiceState(
        instance({ statefulSet: statefulSet({ status }) }),
      );
      expect(result).toMatchObject({
        state: 'deploying',
        reason: 'RollingOut',
      });
      expect(result.message).toMatch(message);
    }
  });

  it('is done with a partitioned rollout once the pods above the partition are updated', () => {
    const partitioned = (updatedReplicas: number) =>
      statefulSet({
        partition: 2,
        status: { updatedReplicas, currentRevision: 'db-old' },
      });
    expect(
      deriveServiceState(instance({ statefulSet: partitioned(1) })).state,
    ).toBe('running');
    expect(
      deriveServiceState(instance({ statefulSet: partitioned(0) })),
    ).toMatchObject({
      state: 'deploying',
      message: '0 out of 1 new replicas have been updated',
    });
  });

  it('is stopped at 0 replicas once the pods are gone, deploying while they terminate', () => {
    const zero = statefulSet({
      replicas: 0,
      status: {
        replicas: 0,
        readyReplicas: 0,
        availableReplicas: 0,
        currentReplicas: 0,
        updatedReplicas: 0,
      },
    });
    expect(
      deriveServiceState(instance({ statefulSet: zero, pods: [] })),
    ).toMatchObject({ state: 'stopped', desiredReplicas: 0 });
    expect(
      deriveServiceState(
        instance({ statefulSet: zero, pods: [setPod(0, 'db-new')] }),
      ),
    ).toMatchObject({ state: 'deploying', reason: 'Stopping' });
    expect(
      deriveServiceState(
        instance({ statefulSet: statefulSet({ deleting: true }) }),
      ),
    ).toMatchObject({ state: 'stopped', reason: 'Deleting' });
  });

  it('fails at once on a pod that cannot pull its image, with its message', () => {
    const bad = setPod(0, 'db-new', {
      container: {
        ready: false,
        state: {
          waiting: {
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "redis:0.0"',
          },
        },
      },
    });
    // OrderedReady: the controller waits for db-0 before creating db-1.
    const set = statefulSet({
      generation: 1,
      status: {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 0,
        availableReplicas: 0,
        currentReplicas: 1,
        updatedReplicas: 1,
      },
    });
    expect(
      deriveServiceState(instance({ statefulSet: set, pods: [bad] })),
    ).toMatchObject({
      state: 'failed',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "redis:0.0"',
      readyReplicas: 0,
      desiredReplicas: 3,
      updatedReplicas: 1,
    });
  });

  it('fails on a failing pod of the old revision too, naming the new one first', () => {
    const crashing = (ordinal: number, revision: 'db-old' | 'db-new') =>
      setPod(ordinal, revision, {
        container: {
          ready: false,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: revision },
          },
        },
      });
    const rolling = statefulSet({
      status: {
        readyReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'db-old',
      },
    });
    // The controller replaces no pod while one it keeps is unhealthy.
    expect(
      deriveServiceState(
        instance({
          statefulSet: rolling,
          pods: [
            crashing(0, 'db-old'),
            setPod(1, 'db-old'),
            setPod(2, 'db-new'),
          ],
        }),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'CrashLoopBackOff',
      message: 'db-old',
    });
    const unschedulable = setPod(2, 'db-new', {
      unschedulable: '0/1 nodes are available: 1 Insufficient memory.',
    });
    expect(
      deriveServiceState(
        instance({
          statefulSet: rolling,
          pods: [crashing(0, 'db-old'), setPod(1, 'db-old'), unschedulable],
        }),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'Unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory.',
    });
  });

  it('ignores failing pods it does not own and pods being deleted', () => {
    const crashing = {
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    };
    const otherOwner = pod('web-1', '2', { container: crashing });
    const dying = setPod(2, 'db-new', { deleting: true, container: crashing });
    expect(
      deriveServiceState(
        instance({
          pods: [setPod(0, 'db-new'), setPod(1, 'db-new'), dying, otherOwner],
        }),
      ).state,
    ).toBe('running');
  });

  it('fails on a recent FailedCreate event about the StatefulSet while it lacks pods', () => {
    const refused = warning(
      { kind: 'StatefulSet', name: 'db', uid: 'sts-1' },
      'FailedCreate',
      'create Pod db-1 in StatefulSet db failed error: pods "db-1" is forbidden: exceeded quota: q',
      '2026-01-01T00:00:10Z',
    );
    const set = statefulSet({
      status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1 },
    });
    const first = setPod(0, 'db-new', { created: '2026-01-01T00:00:01Z' });
    expect(
      deriveServiceState(
        instance({ statefulSet: set, pods: [first], events: [refused] }),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      message: expect.stringContaining('exceeded quota: q'),
    });
    // A pod created after the refusal means the refusal is over.
    const later = setPod(1, 'db-new', { created: '2026-01-01T00:00:20Z' });
    expect(
      deriveServiceState(
        instance({ statefulSet: set, pods: [first, later], events: [refused] }),
      ).state,
    ).toBe('deploying');
  });

  it('is deploying when its Pods are seen before it', () => {
    expect(
      deriveServiceState(
        instance({ statefulSet: undefined, pods: [setPod(0, 'db-new')] }),
      ),
    ).toMatchObject({ state: 'deploying', reason: 'WaitingForDeployment' });
  });
});

describe('workloadOf', () => {
  it('is the Deployment, else the StatefulSet, else the one not being deleted', () => {
    const d = deployment();
    const s = statefulSet();
    expect(workloadOf({ deployment: d })).toEqual({
      kind: 'Deployment',
      object: d,
    });
    expect(workloadOf({ statefulSet: s })).toEqual({
      kind: 'StatefulSet',
      object: s,
    });
    expect(workloadOf({ deployment: d, statefulSet: s })?.kind).toBe(
      'Deployment',
    );
    const leaving = deployment({ deleting: true });
    expect(workloadOf({ deployment: leaving, statefulSet: s })?.kind).toBe(
      'StatefulSet',
    );
    expect(workloadOf({ deployment: leaving })?.kind).toBe('Deployment');
    expect(workloadOf({})).toBeUndefined();
  });
});

describe('toMillis', () => {
  it('reads Dates, RFC 3339 strings and nothing', () => {
    expect(toMillis(new Date(5))).toBe(5);
    expect(toMillis('1970-01-01T00:00:01Z')).toBe(1000);
    expect(toMillis(undefined)).toBe(0);
    expect(toMillis('garbage')).toBe(0);
  });
});
