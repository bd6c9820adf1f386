import { createServer, Server } from 'node:https';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Faults } from './Faults';
import { KubeApi, WriteOptions } from './KubeApi';
import { StoreEvent, typeKeyOf } from './ObjectStore';
import { openApiV3 } from './openapi';
import { applyJsonPatch, applyMergePatch } from './patches';
import { podLogs } from './podLogs';
import { decodeProtobufObject } from './protobuf';
import { apiVersionOf, ResourceType } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { responseJson, watchEventJson } from './serialize';
import { StatusError } from './StatusError';
import { toTable, wantsTable } from './tables';

/** A bearer token and, optionally, the namespaces it may touch. */
export interface SandboxToken {
  token: string;
  /** When set, requests outside these namespaces get 403 Forbidden. */
  namespaces?: string[];
  /** User name shown in Forbidden messages. */
  user?: string;
}

export interface KubeSandboxServerOptions {
  api: KubeApi;
  faults: Faults;
  tokens: SandboxToken[];
  cert: string;
  key: string;
  port?: number;
  host?: string;
  /** How often watches get BOOKMARK events when they asked for them. */
  bookmarkIntervalMs?: number;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

/** Reads an object body, JSON or (for a few kinds) protobuf. */
async function readObject(req: IncomingMessage): Promise<any> {
  const raw = await readRaw(req);
  const contentType = String(req.headers['content-type'] ?? '');
  if (
    contentType.startsWith('application/vnd.kubernetes.protobuf') ||
    raw.subarray(0, 4).toString('latin1') === 'k8s\u0000'
  ) {
    return decodeProtobufObject(raw);
  }
  return parseJson(raw.toString('utf8'));
}

function parseJson(raw: string): any {
  if (!raw.trim()) return undefined;
  if (raw.startsWith('k8s\u0000')) {
    // Protobuf is only decoded for object bodies (see readObject); delete
    // options and the admin endpoint take JSON.
    throw StatusError.unsupportedBody('application/vnd.kubernetes.protobuf');
  }
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw StatusError.badRequest(
      `error decoding request body: ${(e as Error).message}`,
    );
  }
}

function send(res: ServerResponse, code: number, body: unknown) {
  const data = responseJson(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-cache, private',
  });
  res.end(data);
}

/**
 * The HTTPS front end: authentication, per-namespace authorisation, fault
 * injection, URL routing, discovery, watch streaming and the admin endpoint.
 */
export class KubeSandboxServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<() => void>();
  private port: number;
  private readonly host: string;
  private listening = false;
  private transition: Promise<void> = Promise.resolve();
  private readonly onFaultChange: () => void;
  private readonly onDropWatches: () => void;

  private constructor(private readonly options: KubeSandboxServerOptions) {
    this.port = options.port ?? 0;
    this.host = options.host ?? '127.0.0.1';
    this.server = createServer(
      { cert: options.cert, key: options.key },
      (req, res) => {
        this.handle(req, res).catch(e => this.fail(res, e));
      },
    );
    // Broken TLS handshakes and malformed requests only concern that socket.
    this.server.on('clientError', (_err, socket) => socket.destroy());
    this.server.on('tlsClientError', (_err, socket) => socket.destroy());
    this.server.on('connection', s => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.onFaultChange = () => {
      const down = this.options.faults.get().down;
      this.transition = this.transition.then(() =>
        down ? this.goDown() : this.goUp(),
      );
    };
    this.onDropWatches = () => this.dropWatches();
    options.faults.on('change', this.onFaultChange);
    options.faults.on('dropWatches', this.onDropWatches);
  }

  static async create(options: KubeSandboxServerOptions) {
    const s = new KubeSandboxServer(options);
    await s.goUp();
    return s;
  }

  get url() {
    return `https://${this.host}:${this.port}`;
  }

  private goUp(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', onError);
        this.listening = true;
        const addr = this.server.address();
        if (addr && typeof addr === 'object') this.port = addr.port;
        resolve();
      });
    });
  }

  /** Closes the listening socket and every connection: "cluster down". */
  private goDown(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    this.dropWatches();
    return new Promise(resolve => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  dropWatches() {
    for (const close of [...this.watches]) close();
  }

  async stop() {
    this.options.faults.off('change', this.onFaultChange);
    this.options.faults.off('dropWatches', this.onDropWatches);
    await this.transition;
    await this.goDown();
  }

  openWatchCount() {
    return this.watches.size;
  }

  private fail(res: ServerResponse, e: unknown) {
    const err =
      e instanceof StatusError
        ? e
        : StatusError.internal(String((e as Error)?.message ?? e));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, err.code, err.toStatus());
  }

  private authenticate(req: IncomingMessage): SandboxToken {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const token = m && this.options.tokens.find(t => t.token === m[1].trim());
    if (!token) {
      throw StatusError.unauthorized();
    }
    return token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const token = this.authenticate(req);

    if (path.startsWith('/__sandbox')) {
      await this.handleAdmin(req, res, path, method, token);
      return;
    }
    const faults = this.options.faults.get();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (this.options.faults.shouldFail()) {
      throw StatusError.internal('sandbox: injected failure');
    }
    const body = await this.route(req, res, url, path, method, token);
    if (body !== undefined) send(res, body.code ?? 200, body.value);
  }

  private async handleAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    method: string,
    token: SandboxToken,
  ) {
    if (token.namespaces) {
      throw StatusError.forbidden(
        'the sandbox admin endpoint needs an unrestricted token',
      );
    }
    const faults = this.options.faults;
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
      const dropped = this.watches.size;
      faults.dropWatches();
      send(res, 200, { dropped });
    } else if (path === '/__sandbox/faults/reset' && method === 'POST') {
      send(res, 200, faults.reset());
    } else if (path === '/__sandbox/state' && method === 'GET') {
      send(res, 200, {
        resourceVersion: this.options.api.store.currentRevision(),
        openWatches: this.watches.size,
        counts: Object.fromEntries(
          this.options.api.registry.types.map(t => [
            typeKeyOf(t),
            this.options.api.store.count(t),
          ]),
        ),
      });
    } else {
      throw StatusError.routeNotFound(path);
    }
  }

  private discovery(path: string): unknown | undefined {
    const registry = this.options.api.registry;
    if (path === '/version') return KUBE_VERSION;
    if (path.startsWith('/openapi/v3')) return openApiV3(registry, path);
    if (path === '/api') {
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          {
            clientCIDR: '0.0.0.0/0',
            serverAddress: `${this.host}:${this.port}`,
          },
        ],
      };
    }
    const group = (g: string) => {
      const versions = registry.groupVersions().filter(x => x.group === g);
      const vs = versions.map(v => ({
        groupVersion: `${g}/${v.version}`,
        version: v.version,
      }));
      return {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: g,
        versions: vs,
        preferredVersion: vs[0],
      };
    };
    if (path === '/apis') {
      const groups = [...new Set(registry.groupVersions().map(g => g.group))];
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map(group),
      };
    }
    if (path === '/api/v1') return registry.resourceList('', 'v1');
    const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (m) {
      if (!m[2]) {
        return registry.groupVersions().some(g => g.group === m[1])
          ? group(m[1])
          : undefined;
      }
      return registry.resourceList(m[1], m[2]);
    }
    return undefined;
  }

  private parseRoute(path: string): Route | undefined {
    const registry = this.options.api.registry;
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group = '';
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') {
      version = segs[1];
      rest = segs.slice(2);
    } else if (segs[0] === 'apis') {
      group = segs[1];
      version = segs[2];
      rest = segs.slice(3);
    } else {
      return undefined;
    }
    let namespace: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      !['status', 'finalize'].includes(rest[2])
    ) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = registry.find(group, version, rest[0]);
    if (!type || rest.length > 3) return undefined;
    if (namespace && !type.namespaced) return undefined;
    const [, name, subresource] = rest;
    if (subresource && !type.subresources.includes(subresource))
      return undefined;
    return { type, namespace, name, subresource };
  }

  private authorize(token: SandboxToken, route: Route, verb: string) {
    if (!token.namespaces) return;
    const ns = route.type.kind === 'Namespace' ? route.name : route.namespace;
    if (ns && token.namespaces.includes(ns)) return;
    const where = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    throw StatusError.forbidden(
      `${route.type.plural}${route.type.group ? `.${route.type.group}` : ''}${
        route.name ? ` "${route.name}"` : ''
      } is forbidden: User "${
        token.user ?? 'sandbox-user'
      }" cannot ${verb} resource "${route.type.plural}" in API group "${
        route.type.group
      }" ${where}`,
      {
        name: route.name,
        group: route.type.group || undefined,
        kind: route.type.plural,
      },
    );
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    method: string,
    token: SandboxToken,
  ): Promise<{ code?: number; value: unknown } | undefined> {
    if (['/healthz', '/readyz', '/livez'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return undefined;
    }
    if (method === 'GET') {
      const doc = this.discovery(path);
      if (doc !== undefined) return { value: doc };
    }
    const route = this.parseRoute(path);
    if (!route) throw StatusError.routeNotFound(path);
    const api = this.options.api;
    const q = url.searchParams;
    const userAgent = String(req.headers['user-agent'] ?? 'unknown').split(
      '/',
    )[0];
    const write: WriteOptions = {
      dryRun: q.getAll('dryRun').includes('All'),
      fieldManager: q.get('fieldManager') ?? undefined,
      force: q.get('force') === 'true',
    };
    const { type, namespace, name, subresource } = route;

    if (method === 'GET' && !name) {
      const watch = q.get('watch') === 'true' || q.get('watch') === '1';
      this.authorize(token, route, watch ? 'watch' : 'list');
      if (watch) {
        this.watch(req, res, route, q);
        return undefined;
      }
      const list = api.list(type, namespace, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        limit: q.has('limit') ? Number(q.get('limit')) : undefined,
        continue: q.get('continue') ?? undefined,
      });
      return {
        value: wantsTable(req.headers.accept) ? toTable(type, list) : list,
      };
    }
    if (!name) {
      if (method === 'POST') {
        this.authorize(token, route, 'create');
        const created = api.create(
          type,
          namespace,
          await readObject(req),
          write,
          userAgent,
        );
        return { code: write.dryRun ? 200 : 201, value: created };
      }
      if (method === 'DELETE') {
        this.authorize(token, route, 'deletecollection');
        const opts = parseJson(await readBody(req)) ?? {};
        return {
          value: api.deleteCollection(
            type,
            namespace,
            {
              labelSelector: q.get('labelSelector') ?? undefined,
              fieldSelector: q.get('fieldSelector') ?? undefined,
            },
            {
              dryRun: write.dryRun,
              propagationPolicy:
                q.get('propagationPolicy') ?? opts.propagationPolicy,
            },
          ),
        };
      }
      throw StatusError.methodNotAllowed(method);
    }

    if (subresource === 'log') {
      this.authorize(token, route, 'get');
      const pod = api.get(type, namespace, name);
      const text = podLogs(
        pod,
        q.get('container') ?? undefined,
        q.has('tailLines') ? Number(q.get('tailLines')) : undefined,
      );
      res.writeHead(200, {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
      return undefined;
    }
    if (subresource === 'scale') {
      if (method === 'GET') {
        this.authorize(token, route, 'get');
        return { value: api.getScale(type, namespace, name) };
      }
      this.authorize(token, route, method === 'PUT' ? 'update' : 'patch');
      const raw = await readBody(req);
      let scale = parseJson(raw);
      if (method === 'PATCH') {
        const current = api.getScale(type, namespace, name);
        const ct = String(req.headers['content-type'] ?? '');
        scale = ct.startsWith('application/json-patch+json')
          ? applyJsonPatch(current, scale)
          : applyMergePatch(structuredClone(current), scale);
        delete scale.metadata.resourceVersion;
      } else if (method !== 'PUT') {
        throw StatusError.methodNotAllowed(method);
      }
      return {
        value: api.setScale(type, namespace, name, scale, write, userAgent),
      };
    }

    switch (method) {
      case 'GET': {
        this.authorize(token, route, 'get');
        const obj = api.get(type, namespace, name);
        return {
          value: wantsTable(req.headers.accept)
            ? toTable(type, {
                ...api.list(type, namespace, { limit: 0 }),
                items: [obj],
              })
            : obj,
        };
      }
      case 'PUT': {
        this.authorize(token, route, 'update');
        return {
          value: api.update(
            type,
            namespace,
            name,
            await readObject(req),
            write,
            subresource,
            userAgent,
          ),
        };
      }
      case 'PATCH': {
        this.authorize(token, route, 'patch');
        const contentType = String(req.headers['content-type'] ?? '');
        const isApply = contentType.startsWith('application/apply-patch');
        const existed = isApply
          ? api.store.get(type, namespace, name) !== undefined
          : true;
        const value = api.patch(
          type,
          namespace,
          name,
          contentType,
          await readBody(req),
          write,
          subresource,
          userAgent,
        );
        return { code: existed || write.dryRun ? 200 : 201, value };
      }
      case 'DELETE': {
        this.authorize(token, route, 'delete');
        const opts = parseJson(await readBody(req)) ?? {};
        const value = api.delete(type, namespace, name, {
          dryRun: write.dryRun || (opts.dryRun ?? []).includes('All'),
          propagationPolicy:
            q.get('propagationPolicy') ?? opts.propagationPolicy,
          preconditions: opts.preconditions,
        });
        return { value };
      }
      default:
        throw StatusError.methodNotAllowed(method);
    }
  }

  /**
   * Streams watch events as newline-delimited JSON. Without a
   * resourceVersion (or with "0") the current objects are sent as ADDED
   * first; with one, history after it is replayed, or a 410 Expired ERROR
   * event is sent when that history is gone.
   */
  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    q: URLSearchParams,
  ) {
    const { api } = this.options;
    const { type, namespace } = route;
    const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(q.get('fieldSelector') ?? undefined);
    const matches = (o: any) =>
      (!namespace || o.metadata.namespace === namespace) &&
      labels(o) &&
      fields(o);
    const table = wantsTable(req.headers.accept);
    const encode = (o: any) =>
      table
        ? toTable(type, {
            apiVersion: apiVersionOf(type),
            kind: `${type.kind}List`,
            metadata: { resourceVersion: o.metadata.resourceVersion },
            items: [o],
          })
        : o;
    const rv = q.get('resourceVersion');
    const bookmarks = q.get('allowWatchBookmarks') === 'true';

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Clients wait for response headers before treating the watch as open.
    res.flushHeaders();
    const writeEvent = (type_: string, object: unknown) => {
      res.write(watchEventJson(type_, object));
    };

    // Like the API server, an object that starts or stops matching the
    // selectors is reported as ADDED or DELETED to that watch.
    const translate = (e: StoreEvent): string | undefined => {
      const now = matches(e.object);
      if (e.type !== 'MODIFIED' || !e.previous) return now ? e.type : undefined;
      const before = matches(e.previous);
      if (now) return before ? 'MODIFIED' : 'ADDED';
      return before ? 'DELETED' : undefined;
    };
    let initial: { type: string; object: any }[];
    try {
      if (!rv || rv === '0' || q.get('sendInitialEvents') === 'true') {
        initial = api.store
          .list(type, namespace)
          .filter(matches)
          .map(object => ({ type: 'ADDED', object }));
      } else {
        const from = Number(rv);
        if (!Number.isFinite(from))
          throw StatusError.badRequest(`invalid resource version: ${rv}`);
        initial = api.store
          .eventsSince(typeKeyOf(type), from)
          .map(e => ({ type: translate(e), object: e.object }))
          .filter(
            (e): e is { type: string; object: any } => e.type !== undefined,
          );
      }
    } catch (e) {
      const err =
        e instanceof StatusError ? e : StatusError.internal(String(e));
      writeEvent('ERROR', err.toStatus());
      res.end();
      return;
    }

    const unsubscribe = api.store.subscribe(typeKeyOf(type), event => {
      const t = translate(event);
      if (t) writeEvent(t, encode(event.object));
    });
    for (const e of initial) writeEvent(e.type, encode(e.object));
    if (bookmarks && q.get('sendInitialEvents') === 'true') {
      writeEvent('BOOKMARK', {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: {
          resourceVersion: String(api.store.currentRevision()),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      });
    }

    const timers: NodeJS.Timeout[] = [];
    if (bookmarks) {
      timers.push(
        setInterval(() => {
          writeEvent('BOOKMARK', {
            kind: type.kind,
            apiVersion: apiVersionOf(type),
            metadata: { resourceVersion: String(api.store.currentRevision()) },
          });
        }, this.options.bookmarkIntervalMs ?? 60000),
      );
    }
    const close = () => {
      unsubscribe();
      timers.forEach(t => clearTimeout(t));
      this.watches.delete(close);
      if (!res.writableEnded) res.end();
    };
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) timers.push(setTimeout(close, timeout * 1000));
    this.watches.add(close);
    req.on('close', close);
    res.on('close', close);
    res.on('error', close);
  }
}
