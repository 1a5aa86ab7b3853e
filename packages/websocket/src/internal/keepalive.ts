/** Something the keepalive sweep visits. */
export interface KeepaliveTarget {
  /** Sends a ping when one is due, or terminates the peer when its pong is overdue. Times are in ticks. */
  keepalive(tick: number, intervalTicks: number, timeoutTicks: number): void;
}

/**
 * One shared timer per handler (not one per connection) that visits every open connection.
 * It ticks four times per `min(interval, timeout)` and counts ticks, so connections keep
 * their ping times as small integers. A dead peer is found between `timeout` and
 * `1.25 × timeout` after the unanswered ping.
 */
export class KeepaliveSweep {
  readonly #targets: ReadonlySet<KeepaliveTarget>;
  readonly #enabled: boolean;
  readonly #period: number;
  readonly #intervalTicks: number;
  readonly #timeoutTicks: number;
  #timer: NodeJS.Timeout | undefined;
  /** Ticks since the handler was created. */
  tick = 0;

  constructor(targets: ReadonlySet<KeepaliveTarget>, interval: number, timeout: number) {
    this.#targets = targets;
    this.#enabled = interval > 0;
    this.#period = Math.max(10, Math.floor(Math.min(interval || timeout, timeout) / 4));
    this.#intervalTicks = Math.max(1, Math.round(interval / this.#period));
    this.#timeoutTicks = Math.max(1, Math.round(timeout / this.#period));
  }

  /** Starts ticking if pings are enabled and it is not already running. */
  start(): void {
    if (!this.#enabled || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.#sweep();
    }, this.#period);
    this.#timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    this.tick += 1;
    if (this.#targets.size === 0) {
      this.stop();
      return;
    }
    for (const target of this.#targets) target.keepalive(this.tick, this.#intervalTicks, this.#timeoutTicks);
  }
}
