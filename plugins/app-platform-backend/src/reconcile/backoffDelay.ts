/** How retries of a failed target spread out. */
export type BackoffPolicy = { initialMs: number; maxMs: number };

/**
 * The wait before the next attempt after `attempts` failures in a row:
 * doubling from `initialMs` up to `maxMs`, with the upper half jittered so
 * that targets which failed together (one cluster's outage) do not all retry
 * in the same instant.
 */
export function backoffDelay(
  attempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
