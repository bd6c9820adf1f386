import { Server } from '@internal/plugin-app-platform-common';
import {
  describeDaysLeft,
  describeSpecs,
  formatDate,
  toServerRow,
} from './serverDisplay';

const server: Server = {
  id: '1',
  name: 'web',
  provider: 'aliyun',
  providerId: 'i-1',
  ipAddresses: [],
  owner: 'group:default/team-a',
  tags: {},
  state: 'active',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

describe('serverDisplay', () => {
  const now = new Date('2026-11-01T12:00:00Z');

  it('derives days left and urgency', () => {
    const row = (expiresAt?: string, state: Server['state'] = 'active') =>
      toServerRow({ ...server, expiresAt, state }, now);
    expect(row('2026-10-30T00:00:00Z')).toMatchObject({
      daysLeft: -3,
      urgency: 'expired',
    });
    expect(row('2026-11-06T12:00:00Z')).toMatchObject({
      daysLeft: 5,
      urgency: 'critical',
    });
    expect(row('2026-11-21T12:00:00Z')).toMatchObject({
      daysLeft: 20,
      urgency: 'warning',
    });
    expect(row('2027-11-21T12:00:00Z').urgency).toBe('ok');
    expect(row(undefined)).toMatchObject({
      daysLeft: undefined,
      urgency: 'unknown',
    });
    // A removed server is no longer urgent, whatever its date.
    expect(row('2026-10-30T00:00:00Z', 'removed').urgency).toBe('unknown');
  });

  it('describes days, specs and dates for people', () => {
    expect(describeDaysLeft(-1)).toBe('expired today');
    expect(describeDaysLeft(-2)).toBe('expired 1 day ago');
    expect(describeDaysLeft(-4)).toBe('expired 3 days ago');
    expect(describeDaysLeft(0)).toBe('expires today');
    expect(describeDaysLeft(1)).toBe('1 day left');
    expect(describeDaysLeft(undefined)).toBe('no expiry');
    expect(
      describeSpecs({ ...server, cpu: 4, memoryMib: 6144, diskGib: 100 }),
    ).toBe('4 vCPU · 6 GiB · 100 GiB disk');
    expect(describeSpecs(server)).toBe('');
    expect(formatDate('2026-12-01T16:00:00.000Z')).toBe('2026-12-01');
    expect(formatDate(undefined)).toBe('—');
  });
});
