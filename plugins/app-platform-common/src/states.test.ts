import { deriveApplicationState } from './states';

describe('deriveApplicationState', () => {
  it.each([
    [[], 'pending'],
    [['pending', 'pending'], 'pending'],
    [['running', 'deploying'], 'deploying'],
    [['running', 'pending'], 'deploying'],
    [['running', 'stopped'], 'running'],
    [['running'], 'running'],
    [['running', 'failed'], 'degraded'],
    [['stopped', 'failed'], 'degraded'],
    [['failed', 'failed'], 'failed'],
    [['failed', 'deploying'], 'deploying'],
  ] as const)('%j is %s', (services, expected) => {
    expect(deriveApplicationState(services)).toBe(expected);
  });
});
