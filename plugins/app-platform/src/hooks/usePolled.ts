import { DependencyList } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';

/**
 * Loads data and reloads it every `intervalMs`, so the page follows changes
 * on the clusters without a reload. The last value stays while reloading.
 */
export function usePolled<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  intervalMs = 3000,
) {
  const state = useAsyncRetry(load, deps);
  useInterval(state.retry, intervalMs);
  return state;
}
