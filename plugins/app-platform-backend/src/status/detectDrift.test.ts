import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { parseQuantity } from '../kube/parseQuantity';
import { DesiredDeployment, detectDrift } from './detectDrift';

function desired(): DesiredDeployment & Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'registry.example.com/shop/web:3',
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'EMPTY', value: '' },
                {
                  name: 'DB_PASSWORD',
                  valueFrom: { secretKeyRef: { name: 'db', key: 'password' } },
                },
              ],
              resources: {
                requests: { cpu: '0.5', memory: '256Mi' },
                limits: { memory: '1024Mi' },
              },
            },
            { name: 'proxy', image: 'envoy:1.30' },
          ],
        },
      },
    },
  };
}

/** What the API server returns for `desired()`: defaults filled, quantities canonical. */
function live(): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'u1',
      resourceVersion: '42',
      generation: 1,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        metadata: {},
        spec: {
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'app',
              image: 'registry.example.com/shop/web:3',
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                // The server drops empty strings (omitempty).
                { name: 'EMPTY' },
                {
                  name: 'DB_PASSWORD',
                  valueFrom: {
                    secretKeyRef: { name: 'db', key: 'password' },
                  },
                },
              ],
              resources: {
                // LimitRanger adds a cpu limit; the server canonicalises.
                requests: { cpu: '500m', memory: '256Mi' },
                limits: { memory: '1Gi', cpu: '1' },
              },
            },
            {
              name: 'proxy',
              image: 'envoy:1.30',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

function container(d: V1Deployment, name: string) {
  return d.spec!.template.spec!.containers.find(c => c.name === name)!;
}

describe('detectDrift', () => {
  it('finds nothing when the live Deployment only adds server defaults', () => {
    expect(detectDrift(desired(), live())).toEqual([]);
  });

  it('reports a Deployment deleted outside the platform', () => {
    expect(detectDrift(desired(), undefined)).toEqual([
      'Deployment deleted outside the platform',
    ]);
  });

  it('reports a hand scale', () => {
    const d = live();
    d.spec!.replicas = 5;
    expect(detectDrift(desired(), d)).toEqual(['replicas is 5 (applied 2)']);
  });

  it('reports a changed image', () => {
    const d = live();
    container(d, 'app').image = 'registry.example.com/shop/web:hotfix';
    expect(detectDrift(desired(), d)).toEqual([
      'container app: image is registry.example.com/shop/web:hotfix (applied registry.example.com/shop/web:3)',
    ]);
  });

  it('reports env changed, added and removed, without secret values', () => {
    const d = live();
    container(d, 'app').env = [
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'EMPTY', value: 'x' },
      {
        name: 'DB_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'db-other', key: 'password' } },
      },
      { name: 'DEBUG', value: '1' },
    ];
    const drift = detectDrift(desired(), d);
    expect(drift).toEqual([
      'container app: env LOG_LEVEL is "debug" (applied "info")',
      'container app: env EMPTY is "x" (applied "")',
      'container app: env DB_PASSWORD is from Secret db-other key password (applied from Secret db key password)',
      'container app: env DEBUG added',
    ]);
  });

  it('reports an env var removed, or turned from a secret into a plain value it does not show', () => {
    const d = live();
    container(d, 'app').env = [
      { name: 'DB_PASSWORD', value: 'hunter2' },
      { name: 'EMPTY' },
    ];
    expect(detectDrift(desired(), d)).toEqual([
      'container app: env LOG_LEVEL removed',
      'container app: env DB_PASSWORD is a plain value (applied from Secret db key password)',
    ]);
  });

  it('reports changed and removed resources, comparing quantities by value', () => {
    const d = live();
    container(d, 'app').resources = {
      requests: { cpu: '250m', memory: '268435456' },
      limits: { cpu: '1' },
    };
    expect(detectDrift(desired(), d)).toEqual([
      'container app: cpu requests is 250m (applied 0.5)',
      'container app: memory limits removed (applied 1024Mi)',
    ]);
  });

  it('reports containers added and removed', () => {
    const d = live();
    d.spec!.template.spec!.containers = [
      container(d, 'app'),
      { name: 'debug', image: 'busybox' },
    ];
    expect(detectDrift(desired(), d)).toEqual([
      'container proxy removed',
      'container debug added (image busybox)',
    ]);
  });

  it('reports paused rollouts, and paused as applied', () => {
    const d = live();
    d.spec!.paused = true;
    expect(detectDrift(desired(), d)).toEqual([
      'rollouts are paused (applied: not paused)',
    ]);
    const pausedOnPurpose = desired();
    pausedOnPurpose.spec!.paused = true;
    expect(detectDrift(pausedOnPurpose, d)).toEqual([]);
    expect(detectDrift(pausedOnPurpose, live())).toEqual([
      'rollouts are not paused (applied: paused)',
    ]);
  });

  it('ignores fields the platform does not set', () => {
    const d = desired();
    delete d.spec!.replicas;
    const c = d.spec!.template!.spec!.containers![0];
    delete c.env;
    delete c.resources;
    const l = live();
    l.spec!.replicas = 7; // e.g. an autoscaler's
    container(l, 'app').env = [{ name: 'INJECTED', value: '1' }];
    container(l, 'app').resources = {};
    expect(detectDrift(d, l)).toEqual([]);
  });

  it("compares a middleware instance's StatefulSet the same way, and names it when gone", () => {
    const { spec } = desired();
    const statefulSet = { kind: 'StatefulSet', spec };
    const liveSet: V1StatefulSet = {
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        ...live().spec!,
        serviceName: 'web-headless',
        podManagementPolicy: 'OrderedReady',
      },
    };
    expect(detectDrift(statefulSet, liveSet)).toEqual([]);
    liveSet.spec!.replicas = 1;
    expect(detectDrift(statefulSet, liveSet)).toEqual([
      'replicas is 1 (applied 2)',
    ]);
    expect(detectDrift(statefulSet, undefined)).toEqual([
      'StatefulSet deleted outside the platform',
    ]);
  });

  it('lists several differences together', () => {
    const d = live();
    d.spec!.replicas = 0;
    container(d, 'proxy').image = 'envoy:1.31';
    expect(detectDrift(desired(), d)).toEqual([
      'replicas is 0 (applied 2)',
      'container proxy: image is envoy:1.31 (applied envoy:1.30)',
    ]);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['0.5', 0.5],
    ['1', 1],
    [2, 2],
    ['1Gi', 2 ** 30],
    ['1024Mi', 2 ** 30],
    ['1k', 1000],
    ['1e3', 1000],
    ['1E', 1e18],
    ['.5', 0.5],
  ])('%s is %d', (q, n) => {
    expect(parseQuantity(q)).toBeCloseTo(n);
  });

  it('rejects what is not a quantity', () => {
    expect(parseQuantity('lots')).toBeUndefined();
    expect(parseQuantity('1Xi')).toBeUndefined();
  });
});
