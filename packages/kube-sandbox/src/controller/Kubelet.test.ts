import { V1Pod } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import { clientsFor, eventually } from '../__testUtils__/clients';
import { FAIL_ANNOTATION, MEMORY_USAGE_ANNOTATION } from './podBehaviour';

jest.setTimeout(20000);

describe('Kubelet: pod outcomes', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let n = 0;
  let ns: string;

  beforeAll(async () => {
    // speed 100: pods start in 10ms, an image pull attempt takes 10ms and
    // the first pull back-off lasts 100ms.
    sandbox = await startSandbox({
      controller: { speed: 100 },
      namespaceTerminationMs: 10,
      unknownImages: ['acme/private', 'nginx:0.0.0-missing'],
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    ns = `kubelet-${++n}`;
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  const createPod = (name: string, container: any, extra: any = {}) =>
    c.core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name, annotations: extra.annotations },
        spec: {
          containers: [{ name: 'app', image: 'nginx:1', ...container }],
          volumes: extra.volumes,
        },
      },
    });
  const read = (name: string) =>
    c.core.readNamespacedPod({ name, namespace: ns });
  const state = (p: V1Pod) => p.status?.containerStatuses?.[0]?.state;
  const waitingFor = (name: string, reason: string) =>
    eventually(async () => {
      const p = await read(name);
      return state(p)?.waiting?.reason === reason && p;
    });
  const events = async (name: string) =>
    (await c.core.listNamespacedEvent({ namespace: ns })).items.filter(
      e => e.involvedObject.name === name,
    );
  const isReady = (p: V1Pod) =>
    p.status?.conditions?.find(k => k.type === 'Ready')?.status === 'True';

  it('cannot pull from registries under reserved TLDs: ErrImagePull, then ImagePullBackOff', async () => {
    const image = 'registry.invalid/team/app:1';
    // Every waiting reason the pod goes through, from the store's feed (an
    // attempt lasts only 10ms here, too short to catch by polling).
    const seen: string[] = [];
    const unsubscribe = sandbox.store.subscribe(undefined, e => {
      const reason = state(e.object)?.waiting?.reason;
      if (e.object.metadata?.name === 'nohost' && reason) seen.push(reason);
    });
    await createPod('nohost', { image });
    const backOff = await waitingFor('nohost', 'ImagePullBackOff');
    unsubscribe();
    expect([...new Set(seen)]).toEqual([
      'ContainerCreating',
      'ErrImagePull',
      'ImagePullBackOff',
    ]);
    expect(state(backOff)?.waiting?.message).toBe(
      `Back-off pulling image "${image}"`,
    );
    const failed = (await events('nohost')).find(e =>
      e.message?.startsWith('Failed to pull image'),
    );
    expect(failed?.message).toBe(
      `Failed to pull image "${image}": rpc error: code = Unknown desc = failed to pull and unpack image "registry.invalid/team/app:1": failed to resolve reference "registry.invalid/team/app:1": failed to do request: Head "https://registry.invalid/v2/team/app/manifests/1": dial tcp: lookup registry.invalid: no such host`,
    );
    expect(backOff.status?.phase).toBe('Pending');
    const messages = (await events('nohost')).map(
      e => `${e.reason}: ${e.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        `Pulling: Pulling image "${image}"`,
        expect.stringMatching(/^Failed: Failed to pull image .*no such host$/),
        'Failed: Error: ErrImagePull',
        `BackOff: Back-off pulling image "${image}"`,
        'Failed: Error: ImagePullBackOff',
      ]),
    );
  });

  it('refuses malformed image references with InvalidImageName', async () => {
    await createPod('badref', { image: 'Nginx:Latest' });
    const p = await waitingFor('badref', 'InvalidImageName');
    expect(state(p)?.waiting?.message).toContain(
      `couldn't parse image name "Nginx:Latest"`,
    );
    expect((await events('badref')).map(e => e.reason)).toContain(
      'InspectFailed',
    );
  });

  it('fails configured unknown repositories and tags, the legacy names and the annotation', async () => {
    await createPod('private', { image: 'acme/private:2' });
    await createPod('tag', { image: 'nginx:0.0.0-missing' });
    await createPod('legacy', { image: 'ghcr.io/acme/does-not-exist:1' });
    await createPod(
      'annotated',
      {},
      { annotations: { [FAIL_ANNOTATION]: 'image-pull' } },
    );
    await createPod('fine', { image: 'nginx:0.0.1' });
    // The back-off message does not repeat the cause; the events do.
    const message = async (name: string) =>
      (
        await eventually(async () =>
          (
            await events(name)
          ).find(e => e.message?.startsWith('Failed to pull image')),
        )
      ).message;
    expect(await message('private')).toBe(
      'Failed to pull image "acme/private:2": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/acme/private:2": failed to resolve reference "docker.io/acme/private:2": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
    await waitingFor('private', 'ImagePullBackOff');
    expect(await message('tag')).toContain(
      '"docker.io/library/nginx:0.0.0-missing": docker.io/library/nginx:0.0.0-missing: not found',
    );
    expect(await message('legacy')).toContain(
      'ghcr.io/acme/does-not-exist:1: not found',
    );
    expect(await message('annotated')).toContain('nginx:1: not found');
    // Other tags of a repository still pull.
    await eventually(async () => isReady(await read('fine')));
  });

  it('shows CreateContainerConfigError for a missing ConfigMap, Secret or key, and recovers', async () => {
    await createPod('config', {
      env: [
        {
          name: 'MODE',
          valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } },
        },
      ],
      envFrom: [{ secretRef: { name: 'creds' } }],
    });
    let p = await waitingFor('config', 'CreateContainerConfigError');
    expect(state(p)?.waiting?.message).toBe('secret "creds" not found');
    await c.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'creds' }, stringData: { token: 'x' } },
    });
    p = await eventually(async () => {
      const x = await read('config');
      return (
        state(x)?.waiting?.message === 'configmap "settings" not found' && x
      );
    });
    expect(p.status?.phase).toBe('Pending');
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'settings' }, data: { other: '1' } },
    });
    await eventually(
      async () =>
        state(await read('config'))?.waiting?.message ===
        `couldn't find key mode in ConfigMap ${ns}/settings`,
    );
    expect((await events('config')).map(e => e.message)).toEqual(
      expect.arrayContaining([
        'Error: secret "creds" not found',
        'Error: configmap "settings" not found',
      ]),
    );
    await c.core.replaceNamespacedConfigMap({
      name: 'settings',
      namespace: ns,
      body: { metadata: { name: 'settings' }, data: { mode: 'on' } },
    });
    const running = await eventually(async () => {
      const x = await read('config');
      return isReady(x) && x;
    });
    expect(running.status?.phase).toBe('Running');
  });

  it('cannot mount a missing ConfigMap volume: ContainerCreating with FailedMount', async () => {
    await createPod(
      'mount',
      {},
      { volumes: [{ name: 'cfg', configMap: { name: 'absent' } }] },
    );
    const e = await eventually(async () =>
      (await events('mount')).find(x => x.reason === 'FailedMount'),
    );
    expect(e.message).toBe(
      'MountVolume.SetUp failed for volume "cfg" : configmap "absent" not found',
    );
    const p = await read('mount');
    expect(state(p)?.waiting?.reason).toBe('ContainerCreating');
    expect(
      p.status?.conditions?.find(k => k.type === 'PodReadyToStartContainers')
        ?.status,
    ).toBe('False');
  });

  it('never makes a pod with a failing readiness probe Ready, and records Unhealthy', async () => {
    await createPod(
      'unready',
      {
        readinessProbe: {
          httpGet: { path: '/healthz', port: 8080 },
          periodSeconds: 1,
        },
      },
      { annotations: { [FAIL_ANNOTATION]: 'readiness' } },
    );
    const e = await eventually(async () =>
      (await events('unready')).find(x => x.reason === 'Unhealthy'),
    );
    expect(e.type).toBe('Warning');
    expect(e.message).toBe(
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    await eventually(
      async () =>
        ((await events('unready')).find(x => x.reason === 'Unhealthy')?.count ??
          0) > 2,
    );
    const p = await read('unready');
    expect(p.status?.phase).toBe('Running');
    expect(isReady(p)).toBe(false);
    expect(p.status?.containerStatuses?.[0]).toMatchObject({
      ready: false,
      started: true,
    });
  });

  it('OOM-kills a container whose memory use exceeds its limit', async () => {
    await createPod(
      'hungry',
      { resources: { limits: { memory: '256Mi' } } },
      { annotations: { [MEMORY_USAGE_ANNOTATION]: '300Mi' } },
    );
    const p = await waitingFor('hungry', 'CrashLoopBackOff');
    expect(
      p.status?.containerStatuses?.[0].lastState?.terminated,
    ).toMatchObject({
      reason: 'OOMKilled',
      exitCode: 137,
    });
    expect(p.status?.containerStatuses?.[0].restartCount).toBeGreaterThan(0);
    // Within its limit it runs.
    await createPod(
      'fed',
      { resources: { limits: { memory: '512Mi' } } },
      { annotations: { [MEMORY_USAGE_ANNOTATION]: '300Mi' } },
    );
    await eventually(async () => isReady(await read('fed')));
  });
});
