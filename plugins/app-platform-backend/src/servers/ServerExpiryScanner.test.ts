import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../database/migrateDatabase';
import { RecordingNotifications } from '../__testUtils__/RecordingNotifications';
import {
  crossedThreshold,
  expirySeverity,
  ServerExpiryScanner,
} from './ServerExpiryScanner';
import { KEPT_EXPIRY_SCANS, ServerFields, ServerStore } from './ServerStore';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-11-01T09:00:00Z');

function fields(name: string, expiresAt: string): ServerFields {
  return {
    name,
    provider: 'office',
    providerId: name,
    ipAddresses: [],
    expiresAt,
    owner: 'group:default/team-a',
    tags: {},
  };
}

describe('ServerExpiryScanner', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'sends one notification per threshold across runs and two replicas on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      let now = T0;
      const notifications = new RecordingNotifications();
      // Two backend replicas: their own store and scanner, one database.
      const replicas = [0, 1].map(() =>
        ServerExpiryScanner.create({
          store: ServerStore.create({ knex }),
          notifications,
          logger: mockServices.logger.mock(),
          now: () => now,
        }),
      );
      const store = ServerStore.create({ knex });
      // 40, 30, 5 days and 12 hours left, and expired yesterday.
      const far = await store.insert(
        fields('far', new Date(T0.getTime() + 40 * DAY).toISOString()),
      );
      const month = await store.insert(
        fields('month', new Date(T0.getTime() + 30 * DAY).toISOString()),
      );
      const week = await store.insert(
        fields('week', new Date(T0.getTime() + 5 * DAY).toISOString()),
      );
      const hours = await store.insert(
        fields('hours', new Date(T0.getTime() + DAY / 2).toISOString()),
      );
      const gone = await store.insert(
        fields('gone', new Date(T0.getTime() - DAY).toISOString()),
      );
      const removed = await store.insert(
        fields('removed', new Date(T0.getTime() + DAY).toISOString()),
      );
      await store.markRemoved(
        'office',
        ['far', 'month', 'week', 'hours', 'gone'],
        T0,
      );

      const runs = async () =>
        (await Promise.all(replicas.map(r => r.scan()))).flat();

      const first = await runs();
      const second = await runs();
      expect(second).toEqual([]);
      expect(first.map(a => [a.serverId, a.threshold]).sort()).toEqual(
        [
          [month.id, '30'],
          [week.id, '7'],
          [hours.id, '1'],
          [gone.id, 'expired'],
        ].sort(),
      );
      expect(notifications.sent).toHaveLength(4);
      const byTitle = Object.fromEntries(
        notifications.sent.map(n => [n.payload.title, n]),
      );
      expect(byTitle['Server month expires in 30 days (2026-12-01)']).toEqual({
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: expect.objectContaining({
          severity: 'low',
          topic: 'server-expiry',
          link: '/catalog/default/resource/office-month',
        }),
      });
      expect(
        byTitle['Server week expires in 5 days (2026-11-06)'].payload.severity,
      ).toBe('high');
      expect(
        byTitle['Server hours expires today (2026-11-01)'].payload.severity,
      ).toBe('critical');
      expect(
        byTitle['Server gone expired on 2026-10-31'].payload.severity,
      ).toBe('critical');
      expect(far.id).toBeDefined();
      expect(removed.id).toBeDefined();

      // Time passes: far crosses 30, month crosses 7, week expires.
      now = new Date(T0.getTime() + 10 * DAY);
      notifications.sent.length = 0;
      await runs();
      await runs();
      expect(notifications.sent.map(n => n.payload.title).sort()).toEqual([
        'Server far expires in 30 days (2026-12-11)',
        'Server hours expired on 2026-11-01',
        'Server week expired on 2026-11-06',
      ]);
      // month is at 20 days: it already had its 30-day alert, 7 is not yet due.
      expect(await store.listExpiryNotices(month.id)).toEqual([
        { threshold: '30', sentAt: expect.any(String) },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'alerts a renewed server again and retries an alert that failed to send, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const notifications = new RecordingNotifications();
      const store = ServerStore.create({ knex });
      const scanner = ServerExpiryScanner.create({
        store,
        notifications,
        logger: mockServices.logger.mock(),
        thresholds: [14],
        now: () => T0,
      });
      const server = await store.insert(
        fields('web', new Date(T0.getTime() + 3 * DAY).toISOString()),
      );

      expect(await scanner.getStatus()).toEqual({
        thresholds: [14],
        alertsSent: 0,
        alertsFailed: 0,
      });
      notifications.failNext = true;
      expect(await scanner.scan()).toEqual([]);
      // The status tells of the failed alert, whichever replica ran the scan.
      expect(await scanner.getStatus()).toEqual({
        thresholds: [14],
        lastRunAt: T0.toISOString(),
        lastFinishedAt: expect.any(String),
        alertsSent: 0,
        alertsFailed: 1,
      });
      expect(await scanner.scan()).toEqual([
        { serverId: server.id, threshold: '14', daysLeft: 3 },
      ]);
      expect(await scanner.getStatus()).toMatchObject({
        alertsSent: 1,
        alertsFailed: 0,
      });
      expect(await scanner.scan()).toEqual([]);
      // Only the latest runs are kept.
      for (let i = 0; i < KEPT_EXPIRY_SCANS; i++) {
        await scanner.scan();
      }
      const [{ n }] = await knex('server_expiry_scans').count({ n: '*' });
      // PostgreSQL counts in a string.
      expect(Number(n)).toBe(KEPT_EXPIRY_SCANS);

      // Renewed for a year and then, a year later, near expiry again.
      const renewed = new Date(T0.getTime() + 368 * DAY).toISOString();
      await store.update(server.id, fields('web', renewed));
      expect(await store.listExpiryNotices(server.id)).toEqual([]);
      expect(await scanner.scan()).toEqual([]);
      const later = ServerExpiryScanner.create({
        store,
        notifications,
        logger: mockServices.logger.mock(),
        thresholds: [14],
        now: () => new Date(T0.getTime() + 360 * DAY),
      });
      expect(await later.scan()).toHaveLength(1);
      expect(notifications.sent).toHaveLength(2);
    },
  );

  it('picks the most urgent threshold crossed and raises severity', () => {
    const server = fields('x', '2026-11-11T09:00:00Z');
    const at = (days: number) =>
      new Date(Date.parse('2026-11-11T09:00:00Z') - days * DAY);
    const thresholds = [30, 7, 1];
    expect(
      crossedThreshold(
        { ...server, id: 'x', state: 'active', updatedAt: '' },
        thresholds,
        at(31),
      ),
    ).toBeUndefined();
    expect(
      crossedThreshold(
        { ...server, id: 'x', state: 'active', updatedAt: '' },
        thresholds,
        at(30),
      )?.threshold,
    ).toBe('30');
    expect(
      crossedThreshold(
        { ...server, id: 'x', state: 'active', updatedAt: '' },
        thresholds,
        at(8),
      )?.threshold,
    ).toBe('30');
    expect(
      crossedThreshold(
        { ...server, id: 'x', state: 'active', updatedAt: '' },
        thresholds,
        at(7),
      )?.threshold,
    ).toBe('7');
    expect(
      crossedThreshold(
        { ...server, id: 'x', state: 'active', updatedAt: '' },
        thresholds,
        at(0.5),
      )?.threshold,
    ).toBe('1');
    expect(
      crossedThreshold(
        { ...server, id: 'x', state: 'active', updatedAt: '' },
        thresholds,
        at(0),
      )?.threshold,
    ).toBe('expired');
    expect(
      ['30', '14', '7', '3', '1', '0', 'expired'].map(expirySeverity),
    ).toEqual([
      'low',
      'low',
      'high',
      'high',
      'critical',
      'critical',
      'critical',
    ]);
    expect(() =>
      ServerExpiryScanner.create({
        store: {} as ServerStore,
        notifications: new RecordingNotifications(),
        logger: mockServices.logger.mock(),
        thresholds: [7, -1],
      }),
    ).toThrow(/whole numbers/);
  });
});
