import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox, startSandbox } from './startSandbox';
import { eventually } from './__testUtils__/clients';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = fs.existsSync(KUBECTL);

if (!hasKubectl) {
  // eslint-disable-next-line no-console
  console.warn(`kubectl tests skipped: ${KUBECTL} is not installed`);
}

jest.setTimeout(30000);

const describeKubectl = hasKubectl ? describe : describe.skip;

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

describeKubectl('kubectl against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      execFile(
        KUBECTL,
        args,
        { env, timeout: 30000 },
        (err, stdout, stderr) => {
          resolve({
            code: err ? Number((err as any).code ?? 1) : 0,
            stdout,
            stderr,
          });
        },
      );
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

    const pods = await kubectl('-n', 'kc', 'get', 'pods', '-o', 'name');
    const pod = pods.stdout.trim().split('\n')[0];
    const logs = await eventually(async () => {
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

  it('creates namespaces, configmaps and secrets with typed generators (protobuf)', async () => {
    expect((await kubectl('create', 'namespace', 'gen')).stdout).toContain(
      'namespace/gen created',
    );
    const cm = await kubectl(
      '-n',
      'gen',
      'create',
      'configmap',
      'settings',
      '--from-literal=mode=fast',
    );
    expect(cm.stdout).toContain('configmap/settings created');
    const secret = await kubectl(
      '-n',
      'gen',
      'create',
      'secret',
      'generic',
      'creds',
      '--from-literal=password=s3cret',
    );
    expect(secret.stdout).toContain('secret/creds created');
    expect(
      (
        await kubectl(
          '-n',
          'gen',
          'get',
          'configmap',
          'settings',
          '-o',
          'jsonpath={.data.mode}',
        )
      ).stdout,
    ).toBe('fast');
    const password = (
      await kubectl(
        '-n',
        'gen',
        'get',
        'secret',
        'creds',
        '-o',
        'jsonpath={.data.password}',
      )
    ).stdout;
    expect(Buffer.from(password, 'base64').toString()).toBe('s3cret');
    const unsupported = await kubectl(
      '-n',
      'gen',
      'create',
      'deployment',
      'd',
      '--image=nginx',
    );
    expect(unsupported.stderr).toContain('protobuf only for Namespace');
  }, 30000);

  it('watches with get -w', async () => {
    await kubectl('apply', '-f', path.join(dir, 'ns.yaml'));
    const child = spawn(
      KUBECTL,
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
