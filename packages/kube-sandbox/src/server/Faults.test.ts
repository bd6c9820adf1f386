import { Faults } from './Faults';

const NONE = {
  latencyMs: 0,
  errorRate: 0,
  down: false,
  throttle: false,
  retryAfterSeconds: 1,
  unavailable: false,
  blackhole: false,
  watchDelayMs: 0,
  watchStall: false,
};

describe('Faults', () => {
  let faults: Faults;
  beforeEach(() => {
    faults = Faults.create();
  });
  afterEach(() => faults.dispose());

  it('validates settings and emits changes', () => {
    const changes: unknown[] = [];
    faults.on('change', c => changes.push(c));
    expect(faults.set({ latencyMs: 10, errorRate: 0.5 })).toEqual({
      ...NONE,
      latencyMs: 10,
      errorRate: 0.5,
    });
    expect(() => faults.set({ errorRate: 2 })).toThrow('between 0 and 1');
    expect(() => faults.set({ latencyMs: -1 })).toThrow('non-negative');
    expect(faults.reset()).toEqual(NONE);
    expect(changes).toHaveLength(2);
    expect(faults.decide({ path: '/api/v1/pods', verb: 'list' })).toBe(
      undefined,
    );
  });

  it('rejects unknown keys, wrong types and bad scopes without changing anything', () => {
    faults.set({ throttle: true });
    const bad = (update: unknown) => () => faults.set(update as any);
    expect(bad({ blackHole: true })).toThrow(
      'unknown fault setting "blackHole" (known: latencyMs, errorRate, down',
    );
    expect(bad({ throttle: 'yes' })).toThrow('throttle must be true or false');
    expect(bad({ retryAfterSeconds: 1.5 })).toThrow(
      'retryAfterSeconds must be a non-negative whole number',
    );
    expect(bad({ unavailable: true, match: { verbs: ['read'] } })).toThrow(
      'verbs must be a list of get, list, watch, create, update, patch, delete, deletecollection (got ["read"])',
    );
    expect(bad({ match: { paths: ['/api'] } })).toThrow(
      'match has unknown keys paths',
    );
    expect(bad({ match: 'x' })).toThrow('match must be an object');
    expect(bad([])).toThrow('fault settings must be an object');
    expect(faults.get()).toEqual({ ...NONE, throttle: true });
  });

  it('decides the most drastic failure for matching requests', () => {
    const req = {
      path: '/apis/apps/v1/namespaces/a/deployments',
      verb: 'create',
    } as const;
    faults.set({ unavailable: true });
    expect(faults.decide(req)).toEqual({ kind: 'unavailable' });
    faults.set({ throttle: true, retryAfterSeconds: 2 });
    expect(faults.decide(req)).toEqual({
      kind: 'throttle',
      retryAfterSeconds: 2,
    });
    faults.set({ blackhole: true });
    expect(faults.decide(req)).toEqual({ kind: 'blackhole' });
    faults.reset();
    faults.set({ errorRate: 1 });
    expect(faults.decide(req)).toEqual({ kind: 'error' });
  });

  it('scopes request faults by path substring and verb', () => {
    faults.set({
      unavailable: true,
      latencyMs: 30,
      match: { path: '/apis/apps', verbs: ['create', 'patch'] },
    });
    const decide = (path: string, verb: any) =>
      faults.decide({ path, verb })?.kind;
    expect(decide('/apis/apps/v1/namespaces/a/deployments', 'create')).toBe(
      'unavailable',
    );
    expect(decide('/apis/apps/v1/namespaces/a/deployments/w', 'patch')).toBe(
      'unavailable',
    );
    expect(decide('/apis/apps/v1/namespaces/a/deployments', 'list')).toBe(
      undefined,
    );
    expect(decide('/api/v1/namespaces/a/configmaps', 'create')).toBe(undefined);
    expect(faults.latencyFor({ path: '/apis/apps/v1/x', verb: 'create' })).toBe(
      30,
    );
    expect(faults.latencyFor({ path: '/api/v1/x', verb: 'create' })).toBe(0);
    expect(faults.get().match).toEqual({
      path: '/apis/apps',
      verbs: ['create', 'patch'],
    });
    // Other settings keep the scope; an empty match clears it.
    faults.set({ throttle: true });
    expect(faults.get().match?.path).toBe('/apis/apps');
    faults.set({ match: {} });
    expect(faults.get().match).toBeUndefined();
    expect(decide('/api/v1/namespaces/a/configmaps', 'get')).toBe('throttle');
  });

  it('leaves watch pacing unscoped', () => {
    faults.set({ watchDelayMs: 20, match: { path: '/nothing' } });
    expect(faults.watchPacing()).toEqual({ delayMs: 20, stalled: false });
    faults.set({ watchStall: true });
    expect(faults.watchPacing()).toEqual({ delayMs: 20, stalled: true });
  });

  it('recovers from a timed outage even if other settings change meanwhile', async () => {
    faults.clusterDown(50);
    expect(faults.get().down).toBe(true);
    faults.set({ latencyMs: 5 });
    await new Promise(r => setTimeout(r, 120));
    expect(faults.get()).toEqual({ ...NONE, latencyMs: 5 });
  });

  it('reset cancels a timed outage', async () => {
    faults.clusterDown(30);
    faults.reset();
    faults.set({ down: true });
    await new Promise(r => setTimeout(r, 80));
    expect(faults.get().down).toBe(true);
  });
});
