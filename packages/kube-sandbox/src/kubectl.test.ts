import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox, startSandbox } from './startSandbox';
import { eventually } from './__testUtils__/clients';
import { findKubectls } from './__testUtils__/findKubectls';

const KUBECTLS = findKubectls();

jest.setTimeout(30000);

it('finds kubectl 1.32 to test with', () => {
  expect(KUBECTLS.map(k => k.version)).toContain('1.32');
});

const manifest = (image: string, replicas = 2) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: kc
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
`;

/** An HPA, a CronJob and a DaemonSet in `namespace`, labelled `tier`. */
const workloads = (namespace: string, tier: string) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: ${namespace}
  labels: {tier: ${tier}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: ${namespace}
  labels: {tier: ${tier}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: busybox:1.36
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ${namespace}
  labels: {tier: ${tier}}
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers:
      - name: agent
        image: fluentd:1.16
`;

describe.each(KUBECTLS)('kubectl $version against the sandbox', k => {
  const { bin, version } = k;
  let sandbox: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      execFile(bin, args, { env, timeout: 30000 }, (err, stdout, stderr) => {
        resolve({
          code: err ? Number((err as any).code ?? 1) : 0,
          stdout,
          stderr,
        });
      });
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ controller: { speed: 50 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-kubectl-'));
    await sandbox.writeKubeconfig(path.join(dir, 'config'));
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECONFIG: path.join(dir, 'config'),
    };
    fs.writeFileSync(
      path.join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kc\n',
    );
    fs.writeFileSync(path.join(dir, 'app.yaml'), manifest('nginx:1.25'));
    fs.writeFileSync(path.join(dir, 'app-v2.yaml'), manifest('nginx:1.26'));
  });

  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gets, applies (client and server side), rolls out, scales, logs and deletes', async () => {
    expect((await kubectl('get', 'namespaces')).stdout).toMatch(
      /default\s+Active/,
    );
    expect(
      (await kubectl('apply', '-f', path.join(dir, 'ns.yaml'))).stdout,
    ).toContain('namespace/kc created');

    const applied = await kubectl('apply', '-f', path.join(dir, 'app.yaml'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('deployment.apps/web created');
    const rollout = await kubectl(
      '-n',
      'kc',
      'rollout',
      'status',
      'deployment/web',
      '--timeout=20s',
    );
    expect(rollout.stdout).toContain('successfully rolled out');

    // Re-applying client-side patches the existing object.
    const reapplied = await kubectl(
      'apply',
      '-f',
      path.join(dir, 'app-v2.yaml'),
    );
    expect(reapplied.stdout).toContain('deployment.apps/web configured');
    expect(
      (
        await kubectl(
          '-n',
          'kc',
          'rollout',
          'status',
          'deployment/web',
          '--timeout=20s',
        )
      ).code,
    ).toBe(0);

    const ssa = await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      path.join(dir, 'app.yaml'),
    );
    expect(ssa.stdout).toContain('deployment.apps/web serverside-applied');

    const scaled = await kubectl(
      '-n',
      'kc',
      'scale',
      'deployment/web',
      '--replicas=3',
    );
    expect(scaled.stdout).toContain('deployment.apps/web scaled');
    await eventually(
      async () =>
        (
          await kubectl(
            '-n',
            'kc',
            'get',
            'deploy',
            'web',
            '-o',
            'jsonpath={.status.readyReplicas}',
          )
        ).stdout === '3',
      10000,
    );

    // A server-side apply now conflicts with kubectl scale's ownership of replicas.
    const conflict = await kubectl(
      'apply',
      '--server-side',
      '-f',
      path.join(dir, 'app.yaml'),
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict');

    // A resourceVersion in the manifest is a precondition, forced or not.
    fs.writeFileSync(
      path.join(dir, 'app-stale.yaml'),
      manifest('nginx:1.25').replace(
        '  name: web\n',
        '  name: web\n  resourceVersion: "1"\n',
      ),
    );
    const stale = await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      path.join(dir, 'app-stale.yaml'),
    );
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(
      /Operation cannot be fulfilled on deployments.apps "web": the object has been modified/,
    );

    // Listed inside the retry: a pod of the replaced ReplicaSet may be gone
    // by the time its logs are asked for.
    const logs = await eventually(async () => {
      const pods = await kubectl('-n', 'kc', 'get', 'pods', '-o', 'name');
      const pod = pods.stdout.trim().split('\n')[0];
      const r = await kubectl('-n', 'kc', 'logs', pod);
      return r.code === 0 && r.stdout;
    });
    expect(logs).toContain('[sandbox]');

    const table = await kubectl('-n', 'kc', 'get', 'deployments');
    expect(table.stdout).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);

    const deleted = await kubectl('-n', 'kc', 'delete', 'deployment', 'web');
    expect(deleted.stdout).toContain('deployment.apps "web" deleted');
    await eventually(
      async () =>
        (
          await kubectl('-n', 'kc', 'get', 'pods', '-o', 'name')
        ).stdout.trim() === '',
    );
    expect(
      (await kubectl('-n', 'kc', 'get', 'deployment', 'web')).stderr,
    ).toContain('NotFound');
  }, 60000);

  it('creates objects with the typed generators, which send protobuf', async () => {
    expect((await kubectl('create', 'namespace', 'gen')).stdout).toContain(
      'namespace/gen created',
    );
    const created = await kubectl(
      '-n',
      'gen',
      'create',
      'deployment',
      'web',
      '--image=nginx',
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('deployment.apps/web created');
    const web = JSON.parse(
      (await kubectl('-n', 'gen', 'get', 'deployment', 'web', '-o', 'json'))
        .stdout,
    );
    expect(web.metadata.labels).toEqual({ app: 'web' });
    expect(web.spec).toMatchObject({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      // Sent as an empty struct; defaulted as the API server does.
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
    });
    expect(web.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'nginx', image: 'nginx', resources: {} }),
    ]);
    expect(
      (
        await kubectl(
          '-n',
          'gen',
          'rollout',
          'status',
          'deployment/web',
          '--timeout=20s',
        )
      ).code,
    ).toBe(0);

    const generators: [string[], string][] = [
      [['service', 'clusterip', 'web', '--tcp=80:8080'], 'service/web created'],
      [
        ['job', 'once', '--image=busybox', '--', 'date'],
        'job.batch/once created',
      ],
      [
        ['configmap', 'settings', '--from-literal=mode=fast'],
        'configmap/settings created',
      ],
      [
        ['secret', 'generic', 'creds', '--from-literal=password=s3cret'],
        'secret/creds created',
      ],
      [['serviceaccount', 'robot'], 'serviceaccount/robot created'],
      [
        ['ingress', 'web', '--rule=web.example/=web:80'],
        'ingress.networking.k8s.io/web created',
      ],
    ];
    for (const [args, expected] of generators) {
      const r = await kubectl('-n', 'gen', 'create', ...args);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(expected);
    }
    const jsonpath = async (what: string[], expr: string) =>
      (await kubectl('-n', 'gen', 'get', ...what, '-o', `jsonpath=${expr}`))
        .stdout;
    expect(
      await jsonpath(['service', 'web'], '{.spec.ports[0].targetPort}'),
    ).toBe('8080');
    expect(
      await jsonpath(
        ['job', 'once'],
        '{.spec.template.spec.containers[0].command}',
      ),
    ).toBe('["date"]');
    expect(await jsonpath(['configmap', 'settings'], '{.data.mode}')).toBe(
      'fast',
    );
    const password = await jsonpath(['secret', 'creds'], '{.data.password}');
    expect(Buffer.from(password, 'base64').toString()).toBe('s3cret');
    expect(
      await jsonpath(
        ['ingress', 'web'],
        '{.spec.rules[0].http.paths[0].backend.service.port.number}',
      ),
    ).toBe('80');
  }, 60000);

  it('gives a StatefulSet its claims, listed by kubectl like on a cluster', async () => {
    fs.writeFileSync(
      path.join(dir, 'sts.yaml'),
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: { name: sts }',
        '---',
        'apiVersion: apps/v1',
        'kind: StatefulSet',
        'metadata: { name: store, namespace: sts }',
        'spec:',
        '  replicas: 2',
        '  serviceName: store',
        '  selector: { matchLabels: { app: store } }',
        '  template:',
        '    metadata: { labels: { app: store } }',
        '    spec:',
        '      containers:',
        '        - name: db',
        '          image: postgres:16',
        '          volumeMounts: [{ name: data, mountPath: /data }]',
        '  volumeClaimTemplates:',
        '    - metadata: { name: data }',
        '      spec:',
        '        accessModes: [ReadWriteOnce]',
        '        resources: { requests: { storage: 1Gi } }',
        '',
      ].join('\n'),
    );
    const applied = await kubectl(
      'apply',
      '--server-side',
      '-f',
      path.join(dir, 'sts.yaml'),
    );
    expect(applied.stderr).toBe('');
    expect(
      (
        await kubectl(
          '-n',
          'sts',
          'rollout',
          'status',
          'statefulset/store',
          '--timeout=30s',
        )
      ).code,
    ).toBe(0);
    const claims = await kubectl('-n', 'sts', 'get', 'pvc');
    expect(claims.stdout).toMatch(
      /NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE/,
    );
    for (const ordinal of [0, 1]) {
      expect(claims.stdout).toMatch(
        new RegExp(
          `data-store-${ordinal}\\s+Bound\\s+pvc-\\S+\\s+1Gi\\s+RWO\\s+standard\\s+<unset>\\s`,
        ),
      );
    }
  });

  it('gets HPAs, CronJobs and DaemonSets across namespaces', async () => {
    fs.writeFileSync(
      path.join(dir, 'workloads.yaml'),
      `${workloads('wl-a', 'web')}---\n${workloads('wl-b', 'db')}`,
    );
    const applied = await kubectl(
      'apply',
      '-f',
      path.join(dir, 'workloads.yaml'),
    );
    expect(applied.stderr).toBe('');
    for (const ns of ['wl-a', 'wl-b']) {
      expect(applied.stdout).toContain(`namespace/${ns} created`);
    }
    expect(applied.stdout).toContain(
      'horizontalpodautoscaler.autoscaling/web created',
    );
    expect(applied.stdout).toContain('cronjob.batch/nightly created');
    expect(applied.stdout).toContain('daemonset.apps/agent created');

    const all = await kubectl('get', 'hpa,cronjobs,daemonsets', '-A');
    expect(all.stderr).toBe('');
    expect(all.stdout).toMatch(
      /NAMESPACE\s+NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/,
    );
    expect(all.stdout).toMatch(
      /NAMESPACE\s+NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE/,
    );
    expect(all.stdout).toMatch(
      /NAMESPACE\s+NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE/,
    );
    for (const ns of ['wl-a', 'wl-b']) {
      // Nothing scales, schedules or places them: the HPA has no metrics
      // yet and the DaemonSet no pods, as right after creation on a cluster.
      expect(all.stdout).toMatch(
        new RegExp(
          `${ns}\\s+horizontalpodautoscaler\\.autoscaling/web\\s+Deployment/web\\s+cpu: <unknown>/80%\\s+1\\s+5\\s+0\\s`,
        ),
      );
      expect(all.stdout).toMatch(
        new RegExp(
          `${ns}\\s+cronjob\\.batch/nightly\\s+0 3 \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>\\s`,
        ),
      );
      expect(all.stdout).toMatch(
        new RegExp(
          `${ns}\\s+daemonset\\.apps/agent(\\s+0){5}\\s+kubernetes\\.io/os=linux\\s`,
        ),
      );
    }

    const web = await kubectl(
      'get',
      'hpa,cj,ds',
      '-A',
      '-l',
      'tier=web',
      '-o',
      'name',
    );
    expect(web.stdout.trim().split('\n').sort()).toEqual([
      'cronjob.batch/nightly',
      'daemonset.apps/agent',
      'horizontalpodautoscaler.autoscaling/web',
    ]);
    const inB = await kubectl(
      '-n',
      'wl-b',
      'get',
      'hpa,cj,ds',
      '-l',
      'tier=db',
      '-o',
      'jsonpath={range .items[*]}{.metadata.namespace}/{.kind}/{.metadata.name} {end}',
    );
    expect(inB.stdout.trim().split(' ').sort()).toEqual([
      'wl-b/CronJob/nightly',
      'wl-b/DaemonSet/agent',
      'wl-b/HorizontalPodAutoscaler/web',
    ]);
    // They are in the `all` category, as on a cluster.
    expect((await kubectl('-n', 'wl-a', 'get', 'all')).stdout).toMatch(
      /daemonset\.apps\/agent[\s\S]*horizontalpodautoscaler\.autoscaling\/web[\s\S]*cronjob\.batch\/nightly/,
    );

    // Server-side apply and the typed generator (protobuf) work for them.
    const ssa = await kubectl(
      'apply',
      '--server-side',
      '-f',
      path.join(dir, 'workloads.yaml'),
    );
    expect(ssa.stderr).toBe('');
    expect(ssa.stdout).toContain('cronjob.batch/nightly serverside-applied');
    // kubectl 1.20 still creates batch/v1beta1 CronJobs, which the sandbox
    // does not serve (nor do clusters since 1.25).
    const generates = parseInt(version.split('.')[1], 10) >= 21;
    const created = await kubectl(
      '-n',
      'wl-a',
      'create',
      'cronjob',
      'tick',
      '--image=busybox',
      '--schedule=*/5 * * * *',
      '--',
      'date',
    );
    expect(created.code === 0).toBe(generates);
    expect(created.stdout).toBe(
      generates ? 'cronjob.batch/tick created\n' : '',
    );
    const command = await kubectl(
      '-n',
      'wl-a',
      'get',
      'cj',
      'tick',
      '-o',
      'jsonpath={.spec.jobTemplate.spec.template.spec.containers[0].command}',
    );
    expect(command.stdout).toBe(generates ? '["date"]' : '');

    const deleted = await kubectl(
      '-n',
      'wl-a',
      'delete',
      'hpa/web',
      'cronjob/nightly',
      'daemonset/agent',
    );
    expect(deleted.stderr).toBe('');
    expect(deleted.stdout).toContain('daemonset.apps "agent" deleted');
    const left = await kubectl(
      'get',
      'hpa,cj,ds',
      '-A',
      '-l',
      'tier',
      '-o',
      'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}',
    );
    expect(left.stdout.trim().split(' ').sort()).toEqual([
      'wl-b/agent',
      'wl-b/nightly',
      'wl-b/web',
    ]);
  }, 60000);

  it('diffs manifests against live objects without changing them', async () => {
    await kubectl('apply', '-f', path.join(dir, 'ns.yaml'));
    const config = (greeting: string, name = 'diffed') =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: kc\ndata:\n  greeting: ${greeting}\n`;
    fs.writeFileSync(path.join(dir, 'diff-live.yaml'), config('hello'));
    fs.writeFileSync(
      path.join(dir, 'diff-changed.yaml'),
      `${config('changed')}---\n${config('new', 'added')}`,
    );
    // Created, not applied: no last-applied annotation to diff against.
    await kubectl('create', '-f', path.join(dir, 'diff-live.yaml'));

    // Unchanged: exit 0, no output.
    const same = await kubectl('diff', '-f', path.join(dir, 'diff-live.yaml'));
    expect(same).toMatchObject({ code: 0, stdout: '' });

    // Changed and new objects: exit 1 and a unified diff of the dry run.
    for (const flags of [[], ['--server-side', '--force-conflicts']]) {
      const diff = await kubectl(
        'diff',
        ...flags,
        '-f',
        path.join(dir, 'diff-changed.yaml'),
      );
      expect(diff.stderr).toBe('');
      expect(diff.code).toBe(1);
      expect(diff.stdout).toContain('-  greeting: hello');
      expect(diff.stdout).toContain('+  greeting: changed');
      expect(diff.stdout).toContain('+  greeting: new');
      // Only what changed: server-filled metadata does not show up.
      // kubectl diff before 1.25 shows managedFields (kubernetes#111319), a
      // client difference; the rest must be the same.
      const shown =
        parseInt(version.split('.')[1], 10) < 25
          ? diff.stdout.replace(
              /^[-+ ] {2}managedFields:\n(?:[-+ ](?: {2}- | {4}).*\n)*/gm,
              '',
            )
          : diff.stdout;
      expect(shown).not.toMatch(
        /^[-+]\s+(annotations|resourceVersion|managedFields)/m,
      );
    }
    expect(
      (
        await kubectl(
          '-n',
          'kc',
          'get',
          'configmap',
          'diffed',
          '-o',
          'jsonpath={.data.greeting}',
        )
      ).stdout,
    ).toBe('hello');
    expect(
      (await kubectl('-n', 'kc', 'get', 'configmap', 'added')).stderr,
    ).toContain('NotFound');
  }, 30000);

  it('watches with get -w', async () => {
    await kubectl('apply', '-f', path.join(dir, 'ns.yaml'));
    const child = spawn(
      bin,
      ['-n', 'kc', 'get', 'configmaps', '-w', '--request-timeout=20s'],
      { env },
    );
    let out = '';
    child.stdout.on('data', d => (out += d));
    try {
      await eventually(() => out.includes('NAME'), 10000);
      fs.writeFileSync(
        path.join(dir, 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n  namespace: kc\n',
      );
      await kubectl('apply', '-f', path.join(dir, 'cm.yaml'));
      await eventually(() => out.includes('watched'), 10000);
      expect(out).toMatch(/watched\s+0/);
    } finally {
      child.kill();
    }
  }, 30000);
});
