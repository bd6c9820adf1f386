import { Faults } from './Faults';

/**
 * Writes a watch stream's lines, holding them back while the `watchDelayMs`
 * or `watchStall` faults say so. Order is kept: a line never overtakes an
 * earlier one. With neither fault on and nothing held, lines are written at
 * once (the fast path every watch takes normally).
 */
export class WatchPacer {
  private readonly queue: { line: string; due: number }[] = [];
  private timer?: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly faults: Faults,
    private readonly write: (line: string) => void,
  ) {}

  static create(faults: Faults, write: (line: string) => void) {
    return new WatchPacer(faults, write);
  }

  /** Whether the stream sends nothing right now (bookmarks are skipped). */
  get stalled() {
    return this.faults.watchPacing().stalled;
  }

  send(line: string) {
    if (this.closed) return;
    const { delayMs, stalled } = this.faults.watchPacing();
    if (!stalled && delayMs === 0 && this.queue.length === 0) {
      this.write(line);
      return;
    }
    this.queue.push({ line, due: Date.now() + delayMs });
    if (!this.timer) this.pump();
  }

  /** Re-evaluates held lines; called when the fault settings change. */
  pump() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A stalled stream sends nothing until the stall is lifted; then what
    // was held flows, like a TCP connection that recovers.
    if (this.closed || this.stalled) return;
    while (this.queue.length) {
      const wait = this.queue[0].due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.write(this.queue.shift()!.line);
    }
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
  }
}
