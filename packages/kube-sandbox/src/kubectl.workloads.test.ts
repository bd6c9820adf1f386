import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox, startSandbox } from './startSandbox';
import { eventually } from './__testUtils__/clients';
import { findKubectls } from './__testUtils__/findKubectls';

const KUBECTLS = findKubectls();

jest.setTimeout(60000);

const deployment = (ns: string, name: string, image: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: ${image}
${extra}`;

describe('kubectl shows workload problems', () => {
  it('finds kubectl 1.32 to test with', () => {
    expect(KUBECTLS.map(k => k.version)).toContain('1.32');
  });

  let sandbox: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sandbox = await startSandbox({
      controller: { speed: 50 },
      namespaceTerminationMs: 100,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-workloads-'));
    await sandbox.writeKubeconfig(path.join(dir, 'config'));
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECONFIG: path.join(dir, 'config'),
    };
  });

  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe.each(KUBECTLS)('kubectl $version', ({ version, bin }) => {
    const ns = `wl-${version.replace(/[^0-9]+/g, '-').replace(/-$/, '')}`;
    const kubectl = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
        execFile(bin, args, { env, timeout: 30000 }, (err, stdout, stderr) =>
          resolve({
            code: err ? Number((err as any).code ?? 1) : 0,
            stdout,
            stderr,
          }),
        );
      });
    const minor = parseInt(version.split('.')[1], 10);
    const apply = async (name: string, yaml: string) => {
      const file = path.join(dir, `${ns}-${name}.yaml`);
      fs.writeFileSync(file, yaml);
      const r = await kubectl('apply', '-f', file);
      expect(r.stderr).toBe('');
      return r;
    };
    const podStatus = async (label: string) =>
      (await kubectl('-n', ns, 'get', 'pods', '-l', label, '--no-headers'))
        .stdout;

    beforeAll(async () => {
      const created = await kubectl('create', 'namespace', ns);
      if (created.code !== 0) throw new Error(created.stderr);
    });

    it('describes a quota refusal on the ReplicaSet', async () => {
      await apply(
        'quota',
        `apiVersion: v1
kind: ResourceQuota
metadata: {name: one-pod, namespace: ${ns}}
spec:
  hard: {pods: "1"}
`,
      );
      await apply('capped', deployment(ns, 'capped', 'nginx:1'));
      const described = await eventually(async () => {
        const r = await kubectl('-n', ns, 'describe', 'rs', '-l', 'app=capped');
        return r.stdout.includes('FailedCreate') && r.stdout;
      }, 10000);
      expect(described).toMatch(/ReplicaFailure\s+True\s+FailedCreate/);
      expect(described).toMatch(
        /Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods "capped-[a-z0-9]+-[a-z0-9]+" is forbidden: exceeded quota: one-pod, requested: pods=1, used: pods=1, limited: pods=1/,
      );
      await kubectl('-n', ns, 'delete', 'resourcequota', 'one-pod');
      await kubectl('-n', ns, 'delete', 'deployment', 'capped');
    });

    it('shows ImagePullBackOff for an image on a registry.invalid host', async () => {
      await apply(
        'nohost',
        deployment(ns, 'nohost', 'registry.invalid/team/app:1'),
      );
      await eventually(
        async () => /ImagePullBackOff/.test(await podStatus('app=nohost')),
        10000,
      );
      const pod = (
        await kubectl('-n', ns, 'get', 'pods', '-l', 'app=nohost', '-o', 'name')
      ).stdout
        .trim()
        .split('\n')[0];
      const described = (await kubectl('-n', ns, 'describe', pod)).stdout;
      expect(described).toMatch(/Reason:\s+(ImagePullBackOff|ErrImagePull)/);
      expect(described).toContain(
        'dial tcp: lookup registry.invalid: no such host',
      );
    });

    it('shows CreateContainerConfigError until the ConfigMap appears', async () => {
      await apply(
        'configured',
        deployment(
          ns,
          'configured',
          'nginx:1',
          `        envFrom:
        - configMapRef: {name: settings}
`,
        ),
      );
      await eventually(
        async () =>
          /CreateContainerConfigError/.test(await podStatus('app=configured')),
        10000,
      );
      const created = await kubectl(
        '-n',
        ns,
        'create',
        'configmap',
        'settings',
        '--from-literal=mode=on',
      );
      expect(created.code).toBe(0);
      const rollout = await kubectl(
        '-n',
        ns,
        'rollout',
        'status',
        'deployment/configured',
        '--timeout=20s',
      );
      expect(rollout.stdout).toContain('successfully rolled out');
    });

    it('undoes a rollout', async () => {
      await apply('web', deployment(ns, 'web', 'nginx:1.25'));
      const status = () =>
        kubectl(
          '-n',
          ns,
          'rollout',
          'status',
          'deployment/web',
          '--timeout=20s',
        );
      expect((await status()).code).toBe(0);
      await kubectl(
        '-n',
        ns,
        'set',
        'image',
        'deployment/web',
        'app=nginx:1.26',
      );
      expect((await status()).code).toBe(0);
      const undone = await kubectl(
        '-n',
        ns,
        'rollout',
        'undo',
        'deployment/web',
      );
      expect(undone.stdout).toContain('deployment.apps/web rolled back');
      expect((await status()).code).toBe(0);
      const image = await kubectl(
        '-n',
        ns,
        'get',
        'deployment',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      );
      expect(image.stdout).toBe('nginx:1.25');
      const history = (
        await kubectl('-n', ns, 'rollout', 'history', 'deployment/web')
      ).stdout;
      expect(history).toMatch(/^2\s/m);
      expect(history).toMatch(/^3\s/m);
      expect(history).not.toMatch(/^1\s/m);
      const pods = await podStatus('app=web');
      expect(pods.trim().split('\n')).toHaveLength(2);
    });

    it('shows a namespace Terminating while a finalizer remains', async () => {
      const stuck = `${ns}-stuck`;
      expect((await kubectl('create', 'namespace', stuck)).code).toBe(0);
      await apply(
        'held',
        `apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  namespace: ${stuck}
  finalizers: [example.com/hold]
`,
      );
      const deleted = await kubectl(
        'delete',
        'namespace',
        stuck,
        '--wait=false',
      );
      expect(deleted.stdout).toContain(`namespace "${stuck}" deleted`);
      await new Promise(r => setTimeout(r, 300));
      expect((await kubectl('get', 'namespace', stuck)).stdout).toMatch(
        new RegExp(`${stuck}\\s+Terminating`),
      );
      const remaining =
        'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances';
      const condition = await kubectl(
        'get',
        'namespace',
        stuck,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="NamespaceFinalizersRemaining")].message}',
      );
      expect(condition.stdout).toBe(remaining);
      // describe prints namespace conditions since kubernetes#106219 (1.24 at
      // the latest); 1.20 prints only the phase, and the jsonpath check above
      // covers the condition.
      const described = (await kubectl('describe', 'namespace', stuck)).stdout;
      expect(described).toMatch(
        minor >= 24
          ? new RegExp(`NamespaceFinalizersRemaining\\s+True\\s+.*${remaining}`)
          : /^Status:\s+Terminating$/m,
      );
      const patched = await kubectl(
        '-n',
        stuck,
        'patch',
        'configmap',
        'held',
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      );
      expect(patched.code).toBe(0);
      await eventually(
        async () =>
          (
            await kubectl('get', 'namespace', stuck)
          ).stderr.includes('NotFound'),
        10000,
      );
    });
  });
});
