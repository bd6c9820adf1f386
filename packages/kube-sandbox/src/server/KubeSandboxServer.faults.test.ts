import { Watch } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import {
  clientsFor,
  deployment,
  eventually,
  failure,
  rawRequest,
  statusOf,
} from '../__testUtils__/clients';

jest.setTimeout(30000);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Resolves 'pending' if the promise has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number) {
  return Promise.race([
    p.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    sleep(ms).then(() => 'pending' as const),
  ]);
}

describe('KubeSandboxServer faults via @kubernetes/client-node', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let ns: string;
  let counter = 0;

  beforeAll(async () => {
    sandbox = await startSandbox({
      bookmarkIntervalMs: 50,
      controller: { autoTick: false },
    });
    c = clientsFor(sandbox);
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(async () => {
    ns = `faults-${++counter}`;
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  afterEach(() => {
    sandbox.faults.reset();
  });

  const createCm = (name: string) =>
    c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name }, data: { a: '1' } },
    });

  it('throttles with 429 TooManyRequests and a Retry-After header', async () => {
    sandbox.faults.set({ throttle: true, retryAfterSeconds: 2 });
    const e = await failure(c.core.readNamespace({ name: ns }));
    expect(e.code).toBe(429);
    expect(e.headers['retry-after']).toBe('2');
    expect(statusOf(e)).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 2 },
      code: 429,
    });
    sandbox.faults.set({ throttle: false });
    await c.core.readNamespace({ name: ns });
  });

  it('answers 503 ServiceUnavailable while unavailable', async () => {
    sandbox.faults.set({ unavailable: true });
    const e = await failure(createCm('x'));
    expect(e.code).toBe(503);
    expect(statusOf(e).reason).toBe('ServiceUnavailable');
  });

  it('blackholes requests: no answer, while the admin endpoint still answers', async () => {
    sandbox.faults.set({ blackhole: true });
    const call = c.core.readNamespace({ name: ns });
    expect(await within(call, 500)).toBe('pending');
    // The admin endpoint is never subject to faults, so tests can heal it.
    const admin = await rawRequest(sandbox, 'GET', '/__sandbox/faults');
    expect(admin.body.blackhole).toBe(true);
    await rawRequest(sandbox, 'POST', '/__sandbox/faults/reset');
    await c.core.readNamespace({ name: ns });
    // The blackholed request stays unanswered until its socket goes away.
    expect(await within(call, 50)).toBe('pending');
    call.catch(() => undefined);
  });

  it('stops promptly with blackholed requests in flight', async () => {
    const other = await startSandbox({ controller: { autoTick: false } });
    const oc = clientsFor(other);
    other.faults.set({ blackhole: true });
    const calls = [
      oc.core.listNamespace(),
      oc.core.readNamespace({ name: 'default' }),
    ];
    calls.forEach(p => p.catch(() => undefined));
    expect(await within(Promise.race(calls), 300)).toBe('pending');
    const start = Date.now();
    await other.stop();
    expect(Date.now() - start).toBeLessThan(1000);
    // The clients see their connections cut.
    expect(await within(Promise.race(calls), 1000)).toBe('rejected');
  });

  it('scopes failures by path and verb', async () => {
    sandbox.faults.set({
      unavailable: true,
      match: { path: '/apis/apps', verbs: ['create', 'patch'] },
    });
    const e = await failure(
      c.apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('web') as any,
      }),
    );
    expect(e.code).toBe(503);
    // Other verbs on the path and other paths with the verb are untouched.
    await c.apps.listNamespacedDeployment({ namespace: ns });
    await createCm('fine');

    sandbox.faults.set({ match: { path: '/configmaps' } });
    expect((await failure(createCm('nope'))).code).toBe(503);
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web') as any,
    });
  });

  it('scopes latency and random errors too', async () => {
    sandbox.faults.set({
      latencyMs: 300,
      errorRate: 1,
      match: { verbs: ['delete'] },
    });
    let start = Date.now();
    await createCm('slow');
    expect(Date.now() - start).toBeLessThan(250);
    start = Date.now();
    const e = await failure(
      c.core.deleteNamespacedConfigMap({ name: 'slow', namespace: ns }),
    );
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    expect(e.code).toBe(500);
  });

  it('rejects invalid settings over the admin endpoint with a clear 400', async () => {
    const res = await rawRequest(sandbox, 'PUT', '/__sandbox/faults', {
      body: { throttle: true, match: { verbs: ['destroy'] } },
    });
    expect(res.code).toBe(400);
    expect(res.body.message).toContain('verbs must be a list of get, list');
    expect(sandbox.faults.get().throttle).toBe(false);
    const ok = await rawRequest(sandbox, 'PATCH', '/__sandbox/faults', {
      body: { unavailable: true, match: { verbs: ['list'] } },
    });
    expect(ok.body).toMatchObject({
      unavailable: true,
      match: { verbs: ['list'] },
    });
  });

  describe('watch streams', () => {
    function collect() {
      const events: { type: string; name?: string; at: number }[] = [];
      const ctrl = new Watch(c.kc).watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { allowWatchBookmarks: true },
        (type, obj) =>
          events.push({ type, name: obj?.metadata?.name, at: Date.now() }),
        () => undefined,
      );
      const added = (name: string) =>
        events.find(e => e.type === 'ADDED' && e.name === name);
      return { events, ctrl, added };
    }

    it('delays every event by watchDelayMs', async () => {
      const w = collect();
      await eventually(() => sandbox.server.openWatchCount() > 0);
      sandbox.faults.set({ watchDelayMs: 400 });
      const start = Date.now();
      await createCm('late');
      await createCm('later');
      const event = await eventually(() => w.added('late'));
      expect(event.at - start).toBeGreaterThanOrEqual(380);
      // Delayed, not reordered.
      await eventually(() => w.added('later'));
      const names = w.events.filter(e => e.type === 'ADDED').map(e => e.name);
      expect(names.slice(-2)).toEqual(['late', 'later']);
      (await w.ctrl).abort();
    });

    it('stalls streams: nothing, not even bookmarks, until lifted', async () => {
      const w = collect();
      // Bookmarks flow every 50 ms while the stream is healthy.
      await eventually(() => w.events.some(e => e.type === 'BOOKMARK'));
      sandbox.faults.set({ watchStall: true });
      await sleep(20);
      const before = w.events.length;
      await createCm('held');
      await sleep(400);
      expect(w.events.length).toBe(before);
      expect(sandbox.server.openWatchCount()).toBeGreaterThan(0);

      sandbox.faults.set({ watchStall: false });
      await eventually(() => w.added('held'));
      (await w.ctrl).abort();
    });
  });
});
