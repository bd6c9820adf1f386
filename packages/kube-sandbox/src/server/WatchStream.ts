import { IncomingMessage, ServerResponse } from 'node:http';
import { Faults } from './Faults';
import { KubeApi } from './KubeApi';
import { StoreEvent, typeKeyOf } from './ObjectStore';
import { ResourceRoute } from './parseRequest';
import { apiVersionOf } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { watchEventJson } from './serialize';
import { StatusError } from './StatusError';
import { toTable, wantsTable } from './tables';
import { WatchPacer } from './WatchPacer';

export interface WatchStreamOptions {
  api: KubeApi;
  faults: Faults;
  req: IncomingMessage;
  res: ServerResponse;
  route: ResourceRoute;
  query: URLSearchParams;
  /** How often watches get BOOKMARK events when they asked for them. */
  bookmarkIntervalMs: number;
  /** Called once when the stream ends, whoever ends it. */
  onClose(stream: WatchStream): void;
}

type WatchEvent = { type: string; object: any };

/**
 * One watch: newline-delimited JSON events. Without a resourceVersion (or
 * with "0") the current objects are sent as ADDED first; with one, history
 * after it is replayed, or a 410 Expired ERROR event is sent when that
 * history is gone. Events go through a WatchPacer so the watch faults can
 * slow or stall the stream.
 */
export class WatchStream {
  private readonly pacer: WatchPacer;
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe?: () => void;
  private closed = false;

  private constructor(private readonly options: WatchStreamOptions) {
    const { res, faults } = options;
    this.pacer = WatchPacer.create(faults, line => res.write(line));
  }

  /** Starts streaming; the returned stream is already open (or ended). */
  static open(options: WatchStreamOptions) {
    const stream = new WatchStream(options);
    stream.start();
    return stream;
  }

  get isOpen() {
    return !this.closed;
  }

  /** Re-paces held events after a change of the watch faults. */
  repace() {
    this.pacer.pump();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.timers.forEach(t => clearTimeout(t));
    this.pacer.close();
    const { res } = this.options;
    if (!res.writableEnded) res.end();
    this.options.onClose(this);
  }

  private start() {
    const { api, req, res, route, query: q } = this.options;
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
    const send = (t: string, object: unknown) =>
      this.pacer.send(watchEventJson(t, object));

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Clients wait for response headers before treating the watch as open.
    res.flushHeaders();

    // Like the API server, an object that starts or stops matching the
    // selectors is reported as ADDED or DELETED to that watch.
    const translate = (e: StoreEvent): string | undefined => {
      const now = matches(e.object);
      if (e.type !== 'MODIFIED' || !e.previous) return now ? e.type : undefined;
      const before = matches(e.previous);
      if (now) return before ? 'MODIFIED' : 'ADDED';
      return before ? 'DELETED' : undefined;
    };
    const rv = q.get('resourceVersion');
    const sendInitialEvents = q.get('sendInitialEvents') === 'true';
    let initial: WatchEvent[];
    try {
      if (!rv || rv === '0' || sendInitialEvents) {
        initial = api.store
          .list(type, namespace)
          .filter(matches)
          .map(object => ({ type: 'ADDED', object }));
      } else {
        const from = Number(rv);
        if (!Number.isFinite(from)) {
          throw StatusError.badRequest(`invalid resource version: ${rv}`);
        }
        initial = api.store
          .eventsSince(typeKeyOf(type), from)
          .map(e => ({ type: translate(e), object: e.object }))
          .filter((e): e is WatchEvent => e.type !== undefined);
      }
    } catch (e) {
      const err =
        e instanceof StatusError ? e : StatusError.internal(String(e));
      // An error event is the stream's last word; it is not paced.
      res.write(watchEventJson('ERROR', err.toStatus()));
      this.close();
      return;
    }

    this.unsubscribe = api.store.subscribe(typeKeyOf(type), event => {
      const t = translate(event);
      if (t) send(t, encode(event.object));
    });
    for (const e of initial) send(e.type, encode(e.object));

    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const bookmark = (annotations?: Record<string, string>) =>
      send('BOOKMARK', {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: {
          resourceVersion: String(api.store.currentRevision()),
          ...(annotations && { annotations }),
        },
      });
    if (bookmarks && sendInitialEvents) {
      bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
    if (bookmarks) {
      this.timers.push(
        setInterval(() => {
          // A stalled stream sends nothing at all, not even keep-alives.
          if (!this.pacer.stalled) bookmark();
        }, this.options.bookmarkIntervalMs),
      );
    }
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) {
      this.timers.push(setTimeout(() => this.close(), timeout * 1000));
    }
    const close = () => this.close();
    req.on('close', close);
    res.on('close', close);
    res.on('error', close);
  }
}
