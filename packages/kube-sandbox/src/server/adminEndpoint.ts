import { IncomingMessage, ServerResponse } from 'node:http';
import { Faults } from './Faults';
import { parseJson, readBody, send } from './http';
import { KubeApi } from './KubeApi';
import { typeKeyOf } from './ObjectStore';
import { StatusError } from './StatusError';

export interface AdminContext {
  api: KubeApi;
  faults: Faults;
  openWatchCount(): number;
}

/**
 * `/__sandbox/...`: fault switches and state for tests and scripts. Never
 * subject to faults itself, so a blackholed or throttled cluster can always
 * be healed.
 */
export async function handleAdmin(
  ctx: AdminContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
) {
  const { faults, api } = ctx;
  if (path === '/__sandbox/faults' && method === 'GET') {
    send(res, 200, faults.get());
  } else if (
    path === '/__sandbox/faults' &&
    ['PUT', 'POST', 'PATCH'].includes(method)
  ) {
    const update = parseJson(await readBody(req)) ?? {};
    let result;
    try {
      result = faults.set(update);
    } catch (e) {
      throw StatusError.badRequest((e as Error).message);
    }
    send(res, 200, result);
  } else if (path === '/__sandbox/faults/drop-watches' && method === 'POST') {
    const dropped = ctx.openWatchCount();
    faults.dropWatches();
    send(res, 200, { dropped });
  } else if (path === '/__sandbox/faults/reset' && method === 'POST') {
    send(res, 200, faults.reset());
  } else if (path === '/__sandbox/state' && method === 'GET') {
    send(res, 200, {
      resourceVersion: api.store.currentRevision(),
      openWatches: ctx.openWatchCount(),
      counts: Object.fromEntries(
        api.registry.types.map(t => [typeKeyOf(t), api.store.count(t)]),
      ),
    });
  } else {
    throw StatusError.routeNotFound(path);
  }
}
