import { backoffDelay } from './backoffDelay';

describe('backoffDelay', () => {
  const policy = { initialMs: 1000, maxMs: 60_000 };

  it('doubles from the initial delay up to the maximum', () => {
    const top = () => 1;
    expect(
      [1, 2, 3, 4, 7, 8, 50].map(n => backoffDelay(n, policy, top)),
    ).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
  });

  it('jitters within the upper half', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(2000);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(3000);
  });
});
