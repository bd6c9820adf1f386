import { JsonObject } from '@backstage/types';
import { DependencyList, useCallback, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useSignalSubscription } from './useSignalSubscription';

/**
 * A value loaded once and then kept current by signals: `apply` merges a
 * signal's message into the value (returning it unchanged when the message
 * is about something else). An open page makes no requests after the first
 * load; `retry` reloads, e.g. after an error.
 */
export function useLiveValue<T, M extends JsonObject>(options: {
  load: () => Promise<T>;
  deps: DependencyList;
  channel: string;
  apply: (value: T, message: M) => T;
}) {
  const loaded = useAsyncRetry(options.load, options.deps);
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (loaded.value !== undefined) setValue(loaded.value);
  }, [loaded.value]);
  const { apply } = options;
  const signalsAvailable = useSignalSubscription<M>(
    options.channel,
    useCallback(
      message =>
        setValue(current =>
          current === undefined ? current : apply(current, message),
        ),
      [apply],
    ),
  );
  return {
    value,
    /** Replaces the value, e.g. with what a request just answered. */
    setValue,
    error: loaded.error,
    loading: loaded.loading && value === undefined,
    retry: loaded.retry,
    signalsAvailable,
  };
}
