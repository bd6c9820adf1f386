import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { migrateDatabase } from '../database/migrateDatabase';
import { ClusterConnection } from '../kube/KubeClients';
import {
  ObservedTarget,
  ReconcileDomain,
  ReconcileScope,
} from './ReconcileDomain';
import { Reconciler } from './Reconciler';
import { ReconcileStatusStore } from './ReconcileStatusStore';

jest.setTimeout(60_000);

function connection(name: string): ClusterConnection {
  return {
    name,
    url: `https://${name}.invalid`,
    token: 't',
    skipTLSVerify: false,
  };
}

/**
 * A domain over an in-memory "cluster": desired keys, what each cluster has,
 * and switches to make observe or converge fail. It is the test's stand-in for
 * a cluster, not for the reconciler under test.
 */
class MemoryDomain implements ReconcileDomain {
  readonly name = 'memory';
  desired = new Set<string>();
  live = new Map<string, Set<string>>();
  failObserve = new Set<string>();
  failConverge = new Map<string, string>();
  converged: string[] = [];
  convergeDelayMs = 0;

  async observe(
    cluster: ClusterConnection,
    scope: ReconcileScope,
  ): Promise<ObservedTarget[]> {
    if (this.failObserve.has(cluster.name))
      throw new Error(`cluster ${cluster.name} is down`);
    const live = this.live.get(cluster.name) ?? new Set();
    const keys = new Set([...this.desired, ...live]);
    return [...keys]
      .filter(key => scope.target === undefined || key === scope.target)
      .map(key => ({
        target: key,
        desired: this.desired.has(key) ? 'present' : 'absent',
        inSync: this.desired.has(key) === live.has(key),
      }));
  }

  async converge(
    cluster: ClusterConnection,
    target: ObservedTarget,
  ): Promise<void> {
    this.converged.push(`${target.target}@${cluster.name}`);
    if (this.convergeDelayMs)
      await new Promise(r => setTimeout(r, this.convergeDelayMs));
    const reason = this.failConverge.get(target.target);
    if (reason) throw new Error(reason);
    const live = this.live.get(cluster.name) ?? new Set();
    if (target.desired === 'present') live.add(target.target);
    else live.delete(target.target);
    this.live.set(cluster.name, live);
  }
}

describe('Reconciler', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    const status = ReconcileStatusStore.create({ knex });
    const healthy = [connection('a'), connection('b')];
    const unavailable: string[] = [];
    const reconciler = Reconciler.fromConfig(
      new ConfigReader({
        appPlatform: {
          reconcile: {
            initialBackoff: { seconds: 30 },
            maxBackoff: { minutes: 5 },
          },
        },
      }),
      {
        clusters: {
          healthyConnections: async () => healthy,
          reportUnavailable: async name => {
            unavailable.push(name);
          },
        },
        status,
        logger: mockServices.logger.mock(),
      },
    );
    const domain = new MemoryDomain();
    reconciler.addDomain(domain);
    return { knex, status, reconciler, domain, healthy, unavailable };
  }

  it.each(databases.eachSupportedId())(
    'converges, records failures with backoff and removes what is no longer wanted on %p',
    async databaseId => {
      const { status, reconciler, domain } = await setup(databaseId);
      domain.desired = new Set(['x', 'y']);
      domain.failConverge.set('y', 'quota exceeded');

      await reconciler.runPass();
      expect(domain.live.get('a')).toEqual(new Set(['x']));
      const failed = (await status.list('memory', { target: 'y' }))[0];
      expect(failed).toMatchObject({
        state: 'failed',
        reason: 'quota exceeded',
        attempts: 1,
      });
      const wait = Date.parse(failed.nextAttemptAt!) - Date.now();
      expect(wait).toBeGreaterThan(10_000);
      expect(wait).toBeLessThanOrEqual(30_000);
      expect(
        (await status.list('memory', { target: 'x' })).map(s => s.state),
      ).toEqual(['ready', 'ready']);

      // Not retried before its next attempt, unless asked to retry now.
      domain.converged = [];
      await reconciler.runPass();
      expect(domain.converged).toEqual([]);
      await reconciler.runPass({ retryNow: true });
      expect(domain.converged.sort()).toEqual(['y@a', 'y@b']);
      expect((await status.list('memory', { target: 'y' }))[0].attempts).toBe(
        2,
      );

      // A request's pass for one target tries it at once.
      domain.failConverge.clear();
      await reconciler.wake({ target: 'y' });
      expect(
        (await status.list('memory', { target: 'y' })).map(s => [
          s.state,
          s.attempts,
        ]),
      ).toEqual([
        ['ready', 0],
        ['ready', 0],
      ]);

      // Drift: a target removed behind our back is put back by the next pass.
      domain.live.get('b')!.delete('x');
      await reconciler.runPass();
      expect(domain.live.get('b')).toEqual(new Set(['x', 'y']));

      // No longer desired: removed from the clusters, and its status forgotten.
      domain.desired.delete('x');
      await reconciler.runPass();
      expect(domain.live.get('a')).toEqual(new Set(['y']));
      expect(await status.list('memory', { target: 'x' })).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'turns a cluster that cannot be observed into a per-cluster failure on %p',
    async databaseId => {
      const { status, reconciler, domain, unavailable } = await setup(
        databaseId,
      );
      domain.desired = new Set(['x']);
      await reconciler.runPass();
      domain.failObserve.add('b');

      await reconciler.runPass();
      const byCluster = Object.fromEntries(
        (await status.list('memory', { target: 'x' })).map(s => [s.cluster, s]),
      );
      expect(byCluster.a).toMatchObject({ state: 'ready', attempts: 0 });
      expect(byCluster.b).toMatchObject({
        state: 'failed',
        reason: 'cluster b is down',
        attempts: 1,
      });
      expect(unavailable).toEqual(['b']);

      // A request for a new target gets a failed status on that cluster too.
      domain.desired.add('z');
      await reconciler.wake({ target: 'z' });
      expect(
        (await status.list('memory', { target: 'z' })).map(s => [
          s.cluster,
          s.state,
        ]),
      ).toEqual([
        ['a', 'ready'],
        ['b', 'failed'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'converges a target once when two passes meet it, on %p',
    async databaseId => {
      const { reconciler, domain, status } = await setup(databaseId);
      domain.desired = new Set(['x', 'y']);
      domain.convergeDelayMs = 200;
      // A request's pass and the scheduled one, at the same time.
      await Promise.all([
        reconciler.runPass(),
        reconciler.runPass({ target: 'x' }),
      ]);
      expect(domain.converged.sort()).toEqual(['x@a', 'x@b', 'y@a', 'y@b']);
      expect(
        (await status.list('memory', {})).map(s => [
          s.target,
          s.cluster,
          s.state,
        ]),
      ).toEqual(
        expect.arrayContaining([
          ['x', 'a', 'ready'],
          ['x', 'b', 'ready'],
        ]),
      );
    },
  );
});
