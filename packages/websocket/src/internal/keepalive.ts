/** Something the keepalive sweep visits. */
export interface KeepaliveTarget {
  /** Sends a ping when one is due, or terminates the peer when its pong is overdue. */
  keepalive(now: number, interval: number, timeout: number): void;
}

/**
 * One shared timer per handler (not one per connection) that visits every open connection.
 * It ticks four times per `min(interval, timeout)`, so a dead peer is found between
 * `timeout` and `1.25 × timeout` after the unanswered ping.
 */
export class KeepaliveSweep {
  readonly #targets: ReadonlySet<KeepaliveTarget>;
  readonly #interval: number;
  readonly #timeout: number;
  readonly #tick: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(targets: ReadonlySet<KeepaliveTarget>, interval: number, timeout: number) {
    this.#targets = targets;
    this.#interval = interval;
    this.#timeout = timeout;
    this.#tick = Math.max(10, Math.floor(Math.min(interval, timeout) / 4));
  }

  /** Starts ticking if pings are enabled and it is not already running. */
  start(): void {
    if (this.#interval === 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.#sweep();
    }, this.#tick);
    this.#timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    if (this.#targets.size === 0) {
      this.stop();
      return;
    }
    const now = Date.now();
    for (const target of this.#targets) target.keepalive(now, this.#interval, this.#timeout);
  }
}
