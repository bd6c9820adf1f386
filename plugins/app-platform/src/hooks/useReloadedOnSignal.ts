import { JsonObject } from '@backstage/types';
import { DependencyList, useEffect, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useSignalSubscription } from './useSignalSubscription';

/**
 * Loads data once and again whenever a signal on `channel` says it changed
 * (`concerns` picks the signals that matter): for data whose signals do not
 * carry all of it, e.g. cluster details that only admins may read. An idle
 * page makes no requests. The last value stays while reloading.
 */
export function useReloadedOnSignal<T, M extends JsonObject>(options: {
  load: () => Promise<T>;
  deps: DependencyList;
  channel: string;
  concerns?: (message: M) => boolean;
}) {
  const state = useAsyncRetry(options.load, options.deps);
  // A retry while loading does nothing, and the load under way may have
  // read the data before the change the signal announces: load once more
  // when it ends.
  const reloadWhenLoaded = useRef(false);
  const { loading, retry } = state;
  useEffect(() => {
    if (!loading && reloadWhenLoaded.current) {
      reloadWhenLoaded.current = false;
      retry();
    }
  }, [loading, retry]);
  const signalsAvailable = useSignalSubscription<M>(
    options.channel,
    message => {
      if (options.concerns && !options.concerns(message)) return;
      if (loading) reloadWhenLoaded.current = true;
      else retry();
    },
  );
  return { ...state, signalsAvailable };
}
