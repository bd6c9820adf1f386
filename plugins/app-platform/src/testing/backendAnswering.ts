import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { SignalApi } from '@backstage/plugin-signals-react';
import { JsonObject } from '@backstage/types';

/** A route's answer: a function of the request's method, query and body. */
export type Answer = (request: {
  method: string;
  query: URLSearchParams;
  body?: any;
}) => Response;

/** A JSON answer. */
export const json =
  (body: unknown, status = 200) =>
  (_request?: unknown): Response =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

/**
 * The real client over a fetch that answers like the backend would, per
 * path (and `METHOD path` where the method matters); every request is kept
 * in `requests`, so a test can prove that a page made none.
 */
export function clientAnswering(routes: Record<string, Answer>) {
  const requests: string[] = [];
  const client = AppPlatformClient.create({
    discovery: { getBaseUrl: async () => 'http://backend/api/app-platform' },
    fetchApi: {
      fetch: (async (url: string, init?: RequestInit) => {
        const parsed = new URL(url);
        const path = parsed.pathname.replace('/api/app-platform', '');
        const method = init?.method ?? 'GET';
        requests.push(`${method} ${path}${parsed.search}`);
        const answer =
          routes[`${method} ${path}`] ??
          (method === 'GET' ? routes[path] : undefined);
        if (!answer) {
          return new Response(
            JSON.stringify({
              error: {
                name: 'NotFoundError',
                message: `no route ${method} ${path}`,
              },
            }),
            { status: 404 },
          );
        }
        return answer({
          method,
          query: parsed.searchParams,
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
        });
      }) as typeof fetch,
    },
  });
  return { client, requests };
}

/** Backstage's signal API as the app has it, with a way for a test to push a message. */
export class TestSignals implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<T extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const set = this.subscribers.get(channel) ?? new Set();
    const handler = onMessage as (message: JsonObject) => void;
    set.add(handler);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(handler) };
  }

  publish(channel: string, message: unknown): void {
    for (const handler of this.subscribers.get(channel) ?? [])
      handler(message as JsonObject);
  }
}

/** A planned update of the `web` Deployment's image: the commonest change in tests. */
export function imageUpdate(before: string, after: string) {
  return {
    kind: 'Deployment',
    name: 'web',
    action: 'update' as const,
    changes: [
      { path: 'spec.template.spec.containers[web].image', before, after },
    ],
  };
}
