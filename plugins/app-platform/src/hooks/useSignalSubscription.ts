import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { JsonObject } from '@backstage/types';
import { useEffect, useRef } from 'react';

/**
 * Calls `onMessage` for every signal on `channel` while the component is
 * mounted; every message, not only the last one as `useSignal` keeps, because
 * one channel carries many services. Returns whether the app has signals at
 * all: without them a page cannot follow changes and should say so.
 */
export function useSignalSubscription<T extends JsonObject>(
  channel: string,
  onMessage: (message: T) => void,
): boolean {
  const signals = useApiHolder().get(signalApiRef);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    if (!signals) return undefined;
    const subscription = signals.subscribe<T>(channel, message =>
      handler.current(message),
    );
    return () => subscription.unsubscribe();
  }, [signals, channel]);
  return Boolean(signals);
}
