import { KubernetesObject, Watch } from '@kubernetes/client-node';
import {
  describeKubeError,
  DispatcherTrackingKubeConfig,
} from '../kube/KubeClients';

/** Where one resource's list+watch stands. */
export type ReflectorHealth =
  | { state: 'synced' }
  | { state: 'resyncing'; reason: string }
  | { state: 'failed'; reason: string };

/** Why a watch connection ended and is about to be opened again. */
export type WatchRestartReason = 'closed' | 'gone' | 'silent' | 'error';

/** One page of a list: the items and where the next page starts. */
export type ListPage<T> = {
  items: T[];
  resourceVersion?: string;
  continueToken?: string;
};

export type ReflectorOptions<T extends KubernetesObject> = {
  /** For messages: `Pods`, `Events`, … */
  kind: string;
  /** Collection path to watch across all namespaces, e.g. `/api/v1/pods`. */
  path: string;
  labelSelector?: string;
  /** Lists one page; must apply its own timeout and honour `signal`. */
  listPage: (
    continueToken: string | undefined,
    signal: AbortSignal,
  ) => Promise<ListPage<T>>;
  /** A fresh kubeconfig for the cluster (one per watch connection). */
  kubeConfig: () => DispatcherTrackingKubeConfig;
  /** Only objects passing this are kept (and reported). */
  accept?: (obj: T) => boolean;
  onChange: (obj: T, previous: T | undefined, deleted: boolean) => void;
  onHealth: () => void;
  /**
   * Called each time a watch ends other than by `stop()`, before it is
   * opened again: a normal close (server timeout), 410 Gone (a relist
   * follows), silence, or an error. For metrics.
   */
  onWatchRestart?: (reason: WatchRestartReason) => void;
  timings: ReflectorTimings;
};

export type ReflectorTimings = {
  /** A watch with no event and no bookmark for this long is restarted. */
  silenceMs: number;
  /** First and largest delay between retries after an error. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Asked of the server so watches are renewed now and then, as client-go does. */
  watchTimeoutSeconds: number;
};

type WatchEnd =
  | { kind: 'closed'; events: number; ms: number }
  | { kind: 'gone'; events: number }
  | { kind: 'silent'; connected: boolean }
  | { kind: 'error'; error: unknown }
  | { kind: 'stopped' };

/**
 * List+watch of one resource kind in one cluster, keeping a copy of every
 * object (a "reflector", as client-go calls it).
 *
 * Why not client-node's `ListWatch`/`makeInformer`: as of 2.0 it cannot ask
 * for bookmarks, its inactivity timeout is fixed at 30 s, it stops for good
 * after any error other than 410 or a timeout (the caller must restart it
 * and cannot tell a list failure from a watch failure), `stop()` during a
 * pending list still opens a watch afterwards, its back-off timer is not
 * cancelled by `stop()`, and list calls cannot be given a deadline or abort
 * signal through it. Each of these matters for a cache that must survive sick
 * clusters, so this class does the loop itself and leaves the HTTP, TLS,
 * auth and line framing to client-node's `Watch`.
 *
 * The loop: list (paged, each page with the caller's timeout), then watch
 * from the list's resourceVersion with bookmarks; on a normal close resume
 * from the last resourceVersion seen; on 410 Gone relist (and report the
 * objects that disappeared meanwhile as deleted); on silence longer than
 * `silenceMs` restart the watch; on errors retry with capped exponential
 * back-off and report `failed`.
 */
export class Reflector<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();
  private resourceVersion: string | undefined;
  private stopped = false;
  private healthValue: ReflectorHealth = {
    state: 'resyncing',
    reason: 'initial list',
  };
  private synced = false;
  private readonly abortList = new AbortController();
  private endWatch: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private readonly firstSync: Promise<void>;
  private resolveFirstSync!: () => void;

  private constructor(private readonly options: ReflectorOptions<T>) {
    this.firstSync = new Promise(resolve => {
      this.resolveFirstSync = resolve;
    });
  }

  /** Creates the reflector and starts its list+watch loop at once. */
  static create<T extends KubernetesObject>(
    options: ReflectorOptions<T>,
  ): Reflector<T> {
    const reflector = new Reflector(options);
    reflector.loop = reflector.run();
    return reflector;
  }

  /** Resolves after the first complete list, or when stopped. */
  ready(): Promise<void> {
    return this.firstSync;
  }

  health(): ReflectorHealth {
    return this.healthValue;
  }

  /** How many objects the reflector holds. */
  get size(): number {
    return this.objects.size;
  }

  /**
   * Takes in an object that `accept` turned down when it arrived and would
   * accept now (the reason it was refused went away), as if it had just
   * arrived. Later events about it then update or delete it as usual.
   */
  admit(obj: T): void {
    if (this.stopped) return;
    const key = keyOfObject(obj);
    if (this.objects.has(key)) return;
    if (this.options.accept && !this.options.accept(obj)) return;
    this.upsert(key, obj);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(keyOf(namespace, name));
  }

  /** Ends the watch, any pending list and retry timer; resolves when the loop has finished. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abortList.abort();
    this.endWatch?.();
    this.wake?.();
    this.resolveFirstSync();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      if (this.resourceVersion === undefined) {
        try {
          await this.relist();
          failures = 0;
        } catch (error) {
          if (this.stopped) break;
          this.setHealth({
            state: 'failed',
            reason: `list ${this.options.kind}: ${describeKubeError(error)}`,
          });
          await this.sleep(this.backoff(failures++));
          continue;
        }
      }
      const end = await this.watchOnce();
      if (end.kind !== 'stopped' && !this.stopped) {
        try {
          this.options.onWatchRestart?.(end.kind);
        } catch {
          // A metrics hook must not break the loop.
        }
      }
      switch (end.kind) {
        case 'stopped':
          break;
        case 'gone':
          // The server no longer has history from our resourceVersion: only
          // a new list can tell what changed meanwhile.
          this.resourceVersion = undefined;
          this.setHealth({
            state: 'resyncing',
            reason: `${this.options.kind}: resourceVersion expired (410 Gone)`,
          });
          // Gone before any news can mean the list itself was already
          // outside the history window (a very busy cluster): back off so
          // that cannot turn into a loop of relists.
          if (end.events === 0) await this.sleep(this.backoff(failures++));
          break;
        case 'silent':
          if (!end.connected) {
            failures++;
            this.setHealth({
              state: 'failed',
              reason: `watch ${this.options.kind}: no answer from the cluster within ${this.options.timings.silenceMs} ms`,
            });
          } else {
            this.setHealth({
              state: 'resyncing',
              reason: `watch ${this.options.kind} went silent; restarting it`,
            });
          }
          break;
        case 'error':
          this.setHealth({
            state: 'failed',
            reason: `watch ${this.options.kind}: ${describeKubeError(
              end.error,
            )}`,
          });
          await this.sleep(this.backoff(failures++));
          break;
        case 'closed':
          // A watch that ends at once without news is a server refusing in
          // disguise; do not reconnect in a tight loop.
          if (end.events === 0 && end.ms < 1000) {
            await this.sleep(this.backoff(failures++));
          } else {
            failures = 0;
          }
          break;
        default:
      }
    }
  }

  private async relist(): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.options.listPage(
        continueToken,
        this.abortList.signal,
      );
      items.push(...page.items);
      continueToken = page.continueToken || undefined;
      resourceVersion = page.resourceVersion;
    } while (continueToken && !this.stopped);
    if (this.stopped) return;

    const seen = new Set<string>();
    for (const item of items) {
      if (this.options.accept && !this.options.accept(item)) continue;
      const key = keyOfObject(item);
      seen.add(key);
      this.upsert(key, item);
    }
    for (const [key, obj] of [...this.objects]) {
      if (!seen.has(key)) {
        this.objects.delete(key);
        this.options.onChange(obj, obj, true);
      }
    }
    // An empty resourceVersion would make the watch start "from now" and
    // lose what happened since the list; the sandbox and real servers always
    // send one, so treat its absence as "relist next time".
    this.resourceVersion = resourceVersion || undefined;
    this.synced = true;
    this.setHealth({ state: 'synced' });
    this.resolveFirstSync();
  }

  private upsert(key: string, obj: T) {
    const previous = this.objects.get(key);
    if (
      previous?.metadata?.resourceVersion !== undefined &&
      previous.metadata.resourceVersion === obj.metadata?.resourceVersion
    ) {
      return;
    }
    this.objects.set(key, obj);
    this.options.onChange(obj, previous, false);
  }

  private apply(type: string, obj: T) {
    const key = keyOfObject(obj);
    if (type === 'DELETED') {
      const previous = this.objects.get(key);
      if (previous) {
        this.objects.delete(key);
        this.options.onChange(obj, previous, true);
      }
      return;
    }
    if (this.options.accept && !this.options.accept(obj)) {
      // It may have been accepted before (a label changed): forget it.
      const previous = this.objects.get(key);
      if (previous) {
        this.objects.delete(key);
        this.options.onChange(previous, previous, true);
      }
      return;
    }
    this.upsert(key, obj);
  }

  private watchOnce(): Promise<WatchEnd> {
    if (this.stopped) return Promise.resolve({ kind: 'stopped' });
    const { timings } = this.options;
    const started = Date.now();
    return new Promise<WatchEnd>(resolve => {
      let settled = false;
      let connected = false;
      let events = 0;
      let errorEvent: unknown;
      let gone = false;
      let controller: AbortController | undefined;
      let silenceTimer: NodeJS.Timeout | undefined;
      // client-node's Watch hands out its AbortController only once the
      // response headers are in, so a watch to a cluster that never answers
      // could not be cancelled with it; closing the kubeconfig's connections
      // ends the request whatever state it is in.
      const kc = this.options.kubeConfig();

      const finish = (end: WatchEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(silenceTimer);
        this.endWatch = undefined;
        controller?.abort();
        kc.destroyConnections();
        resolve(end);
      };
      const armSilence = () => {
        clearTimeout(silenceTimer);
        silenceTimer = setTimeout(
          () => finish({ kind: 'silent', connected }),
          timings.silenceMs,
        );
      };
      this.endWatch = () => finish({ kind: 'stopped' });
      armSilence();

      new Watch(kc)
        .watch(
          this.options.path,
          {
            resourceVersion: this.resourceVersion,
            labelSelector: this.options.labelSelector,
            allowWatchBookmarks: true,
            // Spread renewals out so many caches do not reconnect together.
            timeoutSeconds: Math.round(
              timings.watchTimeoutSeconds * (1 + Math.random()),
            ),
          },
          (type, obj) => {
            if (settled) return;
            armSilence();
            if (type === 'ERROR') {
              if (obj?.code === 410) gone = true;
              else errorEvent = obj;
              return;
            }
            events++;
            if (type !== 'BOOKMARK') this.apply(type, obj as T);
            const rv = obj?.metadata?.resourceVersion;
            if (rv) this.resourceVersion = rv;
          },
          err => {
            if (gone || err?.statusCode === 410 || err?.code === 410) {
              finish({ kind: 'gone', events });
            } else if (err?.name === 'TimeoutError') {
              // client-node's own inactivity limit: silence by another name.
              finish({ kind: 'silent', connected });
            } else if (err) {
              finish({ kind: 'error', error: err });
            } else if (errorEvent) {
              finish({ kind: 'error', error: statusError(errorEvent) });
            } else {
              finish({ kind: 'closed', events, ms: Date.now() - started });
            }
          },
        )
        .then(
          c => {
            controller = c;
            if (settled) {
              c.abort();
              return;
            }
            connected = true;
            if (this.synced) this.setHealth({ state: 'synced' });
          },
          error => finish({ kind: 'error', error }),
        );
    });
  }

  private setHealth(health: ReflectorHealth) {
    const before = this.healthValue;
    this.healthValue = health;
    if (
      before.state !== health.state ||
      ('reason' in before ? before.reason : undefined) !==
        ('reason' in health ? health.reason : undefined)
    ) {
      this.options.onHealth();
    }
  }

  private backoff(failures: number): number {
    const { retryInitialMs, retryMaxMs } = this.options.timings;
    const ms = Math.min(retryMaxMs, retryInitialMs * 2 ** failures);
    // Jitter so the caches of many clusters do not retry in step.
    return ms * (0.5 + Math.random() / 2);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise(resolve => {
      this.wake = () => {
        clearTimeout(this.sleepTimer);
        this.wake = undefined;
        resolve();
      };
      this.sleepTimer = setTimeout(() => this.wake?.(), ms);
    });
  }
}

function statusError(status: unknown): Error {
  const s = status as { code?: number; reason?: string; message?: string };
  return new Error(
    `${s?.code ?? 'error'} ${s?.reason ?? 'Error'}: ${
      s?.message ?? 'watch error'
    }`,
  );
}

function keyOf(namespace: string | undefined, name: string) {
  return `${namespace ?? ''}/${name}`;
}

function keyOfObject(obj: KubernetesObject) {
  return keyOf(obj.metadata?.namespace, obj.metadata?.name ?? '');
}
