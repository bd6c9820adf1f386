import { EventEmitter } from 'node:events';

/** The verbs a fault can be scoped to (Kubernetes' RBAC names). */
export const FAULT_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
] as const;

export type FaultVerb = (typeof FAULT_VERBS)[number];

/**
 * Which requests the request-failing faults (`latencyMs`, `errorRate`,
 * `throttle`, `unavailable`, `blackhole`) hit. Both parts must match; an
 * absent part matches everything.
 */
export interface FaultMatch {
  /**
   * Substring of the URL path, e.g. `/apis/apps` (a prefix in practice) or
   * `/configmaps` (that resource in every namespace).
   */
  path?: string;
  /** Request verbs, e.g. `['create', 'patch']`. */
  verbs?: FaultVerb[];
}

/** Run-time switchable failure injection settings. */
export interface FaultSettings {
  /** Extra latency added before every matching API request is handled. */
  latencyMs: number;
  /** Fraction (0..1) of matching requests answered with 500 InternalError. */
  errorRate: number;
  /** While true the listening socket is closed (connection refused). */
  down: boolean;
  /** Matching requests get 429 TooManyRequests with a Retry-After header. */
  throttle: boolean;
  /** The Retry-After of throttled requests, in seconds. */
  retryAfterSeconds: number;
  /** Matching requests get 503 ServiceUnavailable. */
  unavailable: boolean;
  /** Matching requests are read and never answered (clients time out). */
  blackhole: boolean;
  /** Every watch event is sent this much later. */
  watchDelayMs: number;
  /** Open watch streams send nothing (no events, no bookmarks) while true. */
  watchStall: boolean;
  /** Scope of the request-failing faults; absent = every API request. */
  match?: FaultMatch;
}

/** What `set()` accepts: any subset of the settings, plus a timed outage. */
export type FaultUpdate = Partial<FaultSettings> & {
  /** Down now, back up after this many ms. */
  downForMs?: number;
};

/** The request a fault decision is made for. */
export interface FaultRequest {
  path: string;
  verb: FaultVerb;
}

/** What the server should do to a request, decided by `Faults.decide`. */
export type FaultAction =
  | { kind: 'blackhole' }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'unavailable' }
  | { kind: 'error' };

const DEFAULTS: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  down: false,
  throttle: false,
  retryAfterSeconds: 1,
  unavailable: false,
  blackhole: false,
  watchDelayMs: 0,
  watchStall: false,
};

type Check = (value: unknown) => string | undefined;

const nonNegative: Check = v =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? undefined
    : 'must be a non-negative number';
const boolean: Check = v =>
  typeof v === 'boolean' ? undefined : 'must be true or false';

const CHECKS: Record<keyof FaultUpdate, Check> = {
  latencyMs: nonNegative,
  errorRate: v =>
    typeof v === 'number' && v >= 0 && v <= 1
      ? undefined
      : 'must be a number between 0 and 1',
  down: boolean,
  downForMs: nonNegative,
  throttle: boolean,
  retryAfterSeconds: v =>
    Number.isInteger(v) && (v as number) >= 0
      ? undefined
      : 'must be a non-negative whole number of seconds',
  unavailable: boolean,
  blackhole: boolean,
  watchDelayMs: nonNegative,
  watchStall: boolean,
  match: checkMatch,
};

function checkMatch(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object like { "path": "/apis/apps", "verbs": ["create"] }';
  }
  const { path, verbs, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) {
    return `has unknown keys ${unknown.join(', ')} (known: path, verbs)`;
  }
  if (path !== undefined && (typeof path !== 'string' || !path)) {
    return 'path must be a non-empty string';
  }
  if (verbs !== undefined) {
    const bad = Array.isArray(verbs)
      ? verbs.filter(v => !FAULT_VERBS.includes(v))
      : [verbs];
    if (!Array.isArray(verbs) || bad.length) {
      return `verbs must be a list of ${FAULT_VERBS.join(
        ', ',
      )} (got ${JSON.stringify(Array.isArray(verbs) ? bad : verbs)})`;
    }
  }
  return undefined;
}

/** Validates an update as a whole, so a bad one changes nothing. */
function validate(update: unknown): FaultUpdate {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new Error('fault settings must be an object');
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(update)) {
    const check = CHECKS[key as keyof FaultUpdate];
    if (!check) {
      problems.push(
        `unknown fault setting "${key}" (known: ${Object.keys(CHECKS).join(
          ', ',
        )})`,
      );
    } else if (value !== undefined) {
      const problem = check(value);
      if (problem) problems.push(`${key} ${problem}`);
    }
  }
  if (problems.length) throw new Error(problems.join('; '));
  return update as FaultUpdate;
}

/** An empty match (no path, no verbs) means "every request": store none. */
function normaliseMatch(match: FaultMatch): FaultMatch | undefined {
  const out: FaultMatch = {};
  if (match.path) out.path = match.path;
  if (match.verbs?.length) out.verbs = [...match.verbs];
  return out.path || out.verbs ? out : undefined;
}

/**
 * Fault injection switches, shared by the admin endpoint and code. Each
 * sandbox has its own. The server listens for `change` (to close or reopen
 * its socket and to re-pace open watch streams) and `dropWatches`.
 */
export class Faults extends EventEmitter {
  private settings: FaultSettings = { ...DEFAULTS };
  private downTimer?: NodeJS.Timeout;

  private constructor() {
    super();
    // Every open watch stream listens for changes to its pacing.
    this.setMaxListeners(0);
  }

  static create() {
    return new Faults();
  }

  get(): FaultSettings {
    const { match, ...rest } = this.settings;
    return match
      ? {
          ...rest,
          match: { ...match, ...(match.verbs && { verbs: [...match.verbs] }) },
        }
      : rest;
  }

  /**
   * Applies a partial update; settings not named keep their value. Unknown
   * keys or invalid values are rejected with an Error and change nothing.
   * `match: {}` clears the scope.
   */
  set(update: FaultUpdate) {
    const valid = validate(update);
    const { downForMs, match, ...rest } = valid;
    const next: FaultSettings = { ...this.settings };
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) (next as any)[key] = value;
    }
    if (match !== undefined) {
      next.match = normaliseMatch(match);
      if (!next.match) delete next.match;
    }
    // Only an explicit up/down change cancels a pending timed recovery.
    if (
      this.downTimer &&
      (valid.down !== undefined || downForMs !== undefined)
    ) {
      clearTimeout(this.downTimer);
      this.downTimer = undefined;
    }
    // A timed outage lets callers of the admin endpoint bring the cluster
    // down and have it come back without needing to reach it meanwhile.
    if (downForMs !== undefined && downForMs > 0) {
      next.down = true;
      this.downTimer = setTimeout(() => this.set({ down: false }), downForMs);
      this.downTimer.unref();
    }
    this.settings = next;
    this.emit('change', this.get());
    return this.get();
  }

  /** Clears every fault (and the scope). */
  reset() {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.downTimer = undefined;
    this.settings = { ...DEFAULTS };
    this.emit('change', this.get());
    return this.get();
  }

  /** Closes all open watch streams, as an API server restart would. */
  dropWatches() {
    this.emit('dropWatches');
  }

  /** Convenience: stop accepting connections. */
  clusterDown(forMs?: number) {
    return forMs ? this.set({ downForMs: forMs }) : this.set({ down: true });
  }

  clusterUp() {
    return this.set({ down: false });
  }

  /** Whether the request-failing faults apply to this request. */
  matches(request: FaultRequest) {
    const match = this.settings.match;
    if (!match) return true;
    if (match.path && !request.path.includes(match.path)) return false;
    if (match.verbs && !match.verbs.includes(request.verb)) return false;
    return true;
  }

  /** Latency to add before handling this request. */
  latencyFor(request: FaultRequest) {
    return this.settings.latencyMs > 0 && this.matches(request)
      ? this.settings.latencyMs
      : 0;
  }

  /**
   * The failure to inject into this request, if any. When several faults
   * are on, the most drastic wins: blackhole, throttle, unavailable, then
   * the random errors.
   */
  decide(request: FaultRequest): FaultAction | undefined {
    const s = this.settings;
    if (!s.blackhole && !s.throttle && !s.unavailable && s.errorRate === 0) {
      return undefined;
    }
    if (!this.matches(request)) return undefined;
    if (s.blackhole) return { kind: 'blackhole' };
    if (s.throttle) {
      return { kind: 'throttle', retryAfterSeconds: s.retryAfterSeconds };
    }
    if (s.unavailable) return { kind: 'unavailable' };
    if (s.errorRate > 0 && Math.random() < s.errorRate) {
      return { kind: 'error' };
    }
    return undefined;
  }

  /** Pacing of watch streams: not scoped, every open watch is affected. */
  watchPacing() {
    return {
      delayMs: this.settings.watchDelayMs,
      stalled: this.settings.watchStall,
    };
  }

  dispose() {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.removeAllListeners();
  }
}
