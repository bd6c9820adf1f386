import { EventEmitter } from 'node:events';

/** Run-time switchable failure injection settings. */
export interface FaultSettings {
  /** Extra latency added before every API request is handled. */
  latencyMs: number;
  /** Fraction (0..1) of API requests answered with 500 InternalError. */
  errorRate: number;
  /** While true the listening socket is closed (connection refused). */
  down: boolean;
}

/**
 * Fault injection switches, shared by the admin endpoint and code. The server
 * listens for `change`/`dropWatches` to close or reopen its socket and cut
 * open watch streams.
 */
export class Faults extends EventEmitter {
  private settings: FaultSettings = { latencyMs: 0, errorRate: 0, down: false };
  private downTimer?: NodeJS.Timeout;

  private constructor() {
    super();
  }

  static create() {
    return new Faults();
  }

  get(): FaultSettings {
    return { ...this.settings };
  }

  /** Applies a partial update; unknown or invalid values are rejected. */
  set(update: Partial<FaultSettings> & { downForMs?: number }) {
    const next = { ...this.settings };
    if (update.latencyMs !== undefined) {
      if (typeof update.latencyMs !== 'number' || update.latencyMs < 0) {
        throw new Error('latencyMs must be a non-negative number');
      }
      next.latencyMs = update.latencyMs;
    }
    if (update.errorRate !== undefined) {
      if (
        typeof update.errorRate !== 'number' ||
        update.errorRate < 0 ||
        update.errorRate > 1
      ) {
        throw new Error('errorRate must be a number between 0 and 1');
      }
      next.errorRate = update.errorRate;
    }
    if (update.down !== undefined) {
      next.down = Boolean(update.down);
    }
    // Only an explicit up/down change cancels a pending timed recovery.
    if (
      this.downTimer &&
      (update.down !== undefined || update.downForMs !== undefined)
    ) {
      clearTimeout(this.downTimer);
      this.downTimer = undefined;
    }
    // A timed outage lets callers of the admin endpoint bring the cluster
    // down and have it come back without needing to reach it meanwhile.
    if (update.downForMs !== undefined && update.downForMs > 0) {
      next.down = true;
      this.downTimer = setTimeout(
        () => this.set({ down: false }),
        update.downForMs,
      );
      this.downTimer.unref();
    }
    this.settings = next;
    this.emit('change', this.get());
    return this.get();
  }

  /** Clears every fault. */
  reset() {
    return this.set({ latencyMs: 0, errorRate: 0, down: false });
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

  /** Whether the current request should fail with an injected error. */
  shouldFail() {
    return (
      this.settings.errorRate > 0 && Math.random() < this.settings.errorRate
    );
  }

  dispose() {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.removeAllListeners();
  }
}
