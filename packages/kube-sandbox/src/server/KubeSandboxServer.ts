import { createServer, Server } from 'node:https';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { handleAdmin } from './adminEndpoint';
import { discovery } from './discovery';
import { sendOpenApiV2 } from './openApiV2';
import { Faults } from './Faults';
import { send, sendText } from './http';
import { KubeApi } from './KubeApi';
import { ParsedRequest, parseRequest, ResourceRoute } from './parseRequest';
import { handleResource } from './resourceHandlers';
import { StatusError } from './StatusError';
import { WatchStream } from './WatchStream';

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

const HEALTH_PATHS = ['/healthz', '/readyz', '/livez'];

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * The HTTPS front end. Each request goes through named steps: parse the
 * route, authenticate and authorise, apply injected faults, then dispatch
 * to discovery, health or the verb handlers (resourceHandlers.ts). The
 * admin endpoint (adminEndpoint.ts) skips the faults step.
 */
export class KubeSandboxServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<WatchStream>();
  private port: number;
  private readonly host: string;
  private listening = false;
  private apiRequests = 0;
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
      for (const w of this.watches) w.repace();
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

  /**
   * Closes the listening socket and every connection: "cluster down".
   * Destroying the sockets also ends blackholed requests, so this finishes
   * at once whatever is in flight.
   */
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
    for (const w of [...this.watches]) w.close();
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

  /**
   * API requests received since the start, by authenticated callers, the
   * sandbox's own admin endpoint not included: what a benchmark counts as
   * "cluster calls".
   */
  apiRequestCount(): number {
    return this.apiRequests;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const token = this.authenticate(req);
    const parsed = parseRequest(this.options.api.registry, req);
    if (parsed.path.startsWith('/__sandbox')) {
      await this.admin(req, res, parsed, token);
      return;
    }
    this.apiRequests++;
    if (parsed.route) this.authorize(token, parsed.route, parsed.verb);
    if (!(await this.applyFaults(req, parsed))) return;
    await this.dispatch(req, res, parsed);
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

  private authorize(token: SandboxToken, route: ResourceRoute, verb: string) {
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

  private admin(
    req: IncomingMessage,
    res: ServerResponse,
    parsed: ParsedRequest,
    token: SandboxToken,
  ) {
    if (token.namespaces) {
      throw StatusError.forbidden(
        'the sandbox admin endpoint needs an unrestricted token',
      );
    }
    return handleAdmin(
      {
        api: this.options.api,
        faults: this.options.faults,
        openWatchCount: () => this.watches.size,
      },
      req,
      res,
      parsed.path,
      parsed.method,
    );
  }

  /**
   * Injects the configured faults into this request. Resolves false when
   * the request must not be answered at all (blackhole); throws the Status
   * error to answer with.
   */
  private async applyFaults(
    req: IncomingMessage,
    parsed: ParsedRequest,
  ): Promise<boolean> {
    const faults = this.options.faults;
    const latency = faults.latencyFor(parsed);
    if (latency > 0) await sleep(latency);
    const action = faults.decide(parsed);
    switch (action?.kind) {
      case undefined:
        return true;
      case 'blackhole':
        // Read the body so the request counts as received (Node's
        // requestTimeout would answer 408 otherwise), then never answer.
        // The socket stays open until the client gives up or stop()
        // destroys it.
        req.resume();
        return false;
      case 'throttle':
        throw StatusError.create(
          429,
          'TooManyRequests',
          'Too many requests, please try again later.',
          { retryAfterSeconds: action.retryAfterSeconds },
        );
      case 'unavailable':
        throw StatusError.serviceUnavailable(
          'the server is currently unable to handle the request',
        );
      default:
        throw StatusError.internal('sandbox: injected failure');
    }
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    parsed: ParsedRequest,
  ) {
    if (HEALTH_PATHS.includes(parsed.path)) {
      sendText(res, 'ok');
      return;
    }
    if (parsed.method === 'GET' && parsed.path === '/openapi/v2') {
      sendOpenApiV2(this.options.api.registry, req, res);
      return;
    }
    if (parsed.method === 'GET') {
      const doc = discovery(
        this.options.api.registry,
        parsed.path,
        `${this.host}:${this.port}`,
      );
      if (doc !== undefined) {
        send(res, 200, doc);
        return;
      }
    }
    const route = parsed.route;
    if (!route) throw StatusError.routeNotFound(parsed.path);
    const result = await handleResource({
      api: this.options.api,
      req,
      res,
      parsed,
      route,
      openWatch: () => this.openWatch(req, res, parsed, route),
    });
    if (result !== undefined) send(res, result.code ?? 200, result.value);
  }

  private openWatch(
    req: IncomingMessage,
    res: ServerResponse,
    parsed: ParsedRequest,
    route: ResourceRoute,
  ) {
    const stream = WatchStream.open({
      api: this.options.api,
      faults: this.options.faults,
      req,
      res,
      route,
      query: parsed.query,
      bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60000,
      onClose: s => this.watches.delete(s),
    });
    if (stream.isOpen) this.watches.add(stream);
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
    // Like the API server, a Status that says when to retry says it in a
    // header too: that is what clients' back-off reads.
    const retryAfter = err.details?.retryAfterSeconds;
    send(
      res,
      err.code,
      err.toStatus(),
      retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
    );
  }
}
