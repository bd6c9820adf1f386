import { IncomingMessage, ServerResponse } from 'node:http';
import { FaultVerb } from './Faults';
import { parseJson, readBody, readObject, sendText } from './http';
import { KubeApi, WriteOptions } from './KubeApi';
import { ParsedRequest, ResourceRoute } from './parseRequest';
import { applyJsonPatch, applyMergePatch } from './patches';
import { podLogs } from './podLogs';
import { StatusError } from './StatusError';
import { toTable, wantsTable } from './tables';

/** Everything a verb handler needs about one resource request. */
export interface ResourceRequest {
  api: KubeApi;
  req: IncomingMessage;
  res: ServerResponse;
  parsed: ParsedRequest;
  route: ResourceRoute;
  /** Opens a watch stream on the response (the server tracks it). */
  openWatch(): void;
}

/** A JSON answer, or undefined when the handler wrote the response itself. */
export type HandlerResult = { code?: number; value: unknown } | undefined;

type Handler = (r: ResourceRequest) => HandlerResult | Promise<HandlerResult>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function writeOptions(q: URLSearchParams): WriteOptions {
  return {
    dryRun: q.getAll('dryRun').includes('All'),
    fieldManager: q.get('fieldManager') ?? undefined,
    force: q.get('force') === 'true',
  };
}

/** The client's name for managedFields, e.g. `kubectl-client-side-apply`. */
function userAgentOf(req: IncomingMessage) {
  return String(req.headers['user-agent'] ?? 'unknown').split('/')[0];
}

function selectors(q: URLSearchParams) {
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
  };
}

/** Verbs on a collection (no name in the URL) or on one named object. */
function requireName(r: ResourceRequest, named: boolean) {
  if (Boolean(r.route.name) !== named) {
    throw StatusError.methodNotAllowed(r.parsed.method);
  }
}

const list: Handler = ({ api, req, route, parsed: { query: q } }) => {
  const result = api.list(route.type, route.namespace, {
    ...selectors(q),
    limit: q.has('limit') ? Number(q.get('limit')) : undefined,
    continue: q.get('continue') ?? undefined,
  });
  return {
    value: wantsTable(req.headers.accept)
      ? toTable(route.type, result)
      : result,
  };
};

const watch: Handler = r => {
  r.openWatch();
  return undefined;
};

const get: Handler = ({ api, req, route }) => {
  const { type, namespace, name } = route;
  const obj = api.get(type, namespace, name!);
  if (!wantsTable(req.headers.accept)) return { value: obj };
  return {
    value: toTable(type, {
      ...api.list(type, namespace, { limit: 0 }),
      items: [obj],
    }),
  };
};

const create: Handler = async r => {
  requireName(r, false);
  const { api, req, route, parsed } = r;
  const write = writeOptions(parsed.query);
  const created = api.create(
    route.type,
    route.namespace,
    await readObject(req),
    write,
    userAgentOf(req),
  );
  return { code: write.dryRun ? 200 : 201, value: created };
};

const update: Handler = async r => {
  requireName(r, true);
  const { api, req, route, parsed } = r;
  return {
    value: api.update(
      route.type,
      route.namespace,
      route.name!,
      await readObject(req),
      writeOptions(parsed.query),
      route.subresource,
      userAgentOf(req),
    ),
  };
};

const patch: Handler = async r => {
  requireName(r, true);
  const { api, req, route, parsed } = r;
  const { type, namespace, name } = route;
  const write = writeOptions(parsed.query);
  const contentType = String(req.headers['content-type'] ?? '');
  // Server-side apply creates missing objects, answered with 201.
  const existed = contentType.startsWith('application/apply-patch')
    ? api.store.get(type, namespace, name!) !== undefined
    : true;
  const value = api.patch(
    type,
    namespace,
    name!,
    contentType,
    await readBody(req),
    write,
    route.subresource,
    userAgentOf(req),
  );
  return { code: existed || write.dryRun ? 200 : 201, value };
};

const remove: Handler = async ({ api, req, route, parsed: { query: q } }) => {
  const opts = parseJson(await readBody(req)) ?? {};
  const value = api.delete(route.type, route.namespace, route.name!, {
    dryRun: writeOptions(q).dryRun || (opts.dryRun ?? []).includes('All'),
    propagationPolicy: q.get('propagationPolicy') ?? opts.propagationPolicy,
    // kubectl sends it in the body, client-node as a query parameter.
    gracePeriodSeconds: q.has('gracePeriodSeconds')
      ? Number(q.get('gracePeriodSeconds'))
      : opts.gracePeriodSeconds,
    preconditions: opts.preconditions,
  });
  return { value };
};

const deleteCollection: Handler = async ({
  api,
  req,
  route,
  parsed: { query: q },
}) => {
  const opts = parseJson(await readBody(req)) ?? {};
  return {
    value: api.deleteCollection(route.type, route.namespace, selectors(q), {
      dryRun: writeOptions(q).dryRun,
      propagationPolicy: q.get('propagationPolicy') ?? opts.propagationPolicy,
    }),
  };
};

const VERBS: Record<FaultVerb, Handler> = {
  list,
  watch,
  get,
  create,
  update,
  patch,
  delete: remove,
  deletecollection: deleteCollection,
};

/** `pods/log`: a few plain-text lines, returned at once. */
const podLog: Handler = ({ api, res, route, parsed }) => {
  if (parsed.verb !== 'get') throw StatusError.methodNotAllowed(parsed.method);
  const q = parsed.query;
  const pod = api.get(route.type, route.namespace, route.name!);
  sendText(
    res,
    podLogs(
      pod,
      q.get('container') ?? undefined,
      q.has('tailLines') ? Number(q.get('tailLines')) : undefined,
    ),
  );
  return undefined;
};

/** `<workload>/scale`: read, replace or patch the Scale view. */
const scale: Handler = async ({ api, req, route, parsed }) => {
  const { type, namespace, name } = route;
  if (parsed.verb === 'get') {
    return { value: api.getScale(type, namespace, name!) };
  }
  let body = parseJson(await readBody(req));
  if (parsed.verb === 'patch') {
    const current = api.getScale(type, namespace, name!);
    const ct = String(req.headers['content-type'] ?? '');
    body = ct.startsWith('application/json-patch+json')
      ? applyJsonPatch(current, body)
      : applyMergePatch(structuredClone(current), body);
    delete body.metadata.resourceVersion;
  } else if (parsed.verb !== 'update') {
    throw StatusError.methodNotAllowed(parsed.method);
  }
  return {
    value: api.setScale(
      type,
      namespace,
      name!,
      body,
      writeOptions(parsed.query),
      userAgentOf(req),
    ),
  };
};

const SUBRESOURCES: Record<string, Handler> = { log: podLog, scale };

/** Dispatches a resource request to the handler of its verb (or sub-resource). */
export function handleResource(r: ResourceRequest) {
  if (!METHODS.includes(r.parsed.method)) {
    throw StatusError.methodNotAllowed(r.parsed.method);
  }
  const sub = r.route.subresource && SUBRESOURCES[r.route.subresource];
  return (sub || VERBS[r.parsed.verb])(r);
}
