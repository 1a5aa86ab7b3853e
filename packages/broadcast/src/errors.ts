import { SluiceError } from "@sluice/core";

/**
 * A subscriber fell further behind than its queue allows; it was dropped so memory stays
 * bounded. Thrown from the subscription's iterator.
 *
 * @example
 * ```ts
 * try { for await (const m of sub) await slowWork(m); }
 * catch (error) { if (error instanceof SubscriberOverflow) resubscribeAndResync(); }
 * ```
 */
export class SubscriberOverflow extends SluiceError {
  /** The channel the subscriber was reading. */
  readonly channel: string;

  /**
   * @param channel the channel
   * @param maxQueue the queue bound that was exceeded
   */
  constructor(channel: string, maxQueue: number) {
    super(
      "ERR_BROADCAST_OVERFLOW",
      `subscriber to "${channel}" fell more than ${maxQueue} messages behind and was dropped (raise maxQueue or consume faster)`,
    );
    this.channel = channel;
  }
}

/**
 * The broadcast URL names no known backend or is malformed.
 *
 * @example
 * ```ts
 * await createBroadcast("kafka://x"); // throws UnsupportedBroadcastUrl
 * ```
 */
export class UnsupportedBroadcastUrl extends SluiceError {
  /**
   * @param url the URL given
   * @param why what is wrong with it
   */
  constructor(url: string, why: string) {
    super("ERR_BROADCAST_URL", `cannot use broadcast URL "${url}": ${why} (use memory://, cluster:// or redis://host:port)`);
  }
}

/**
 * The backend could not be reached when the broadcast was created.
 *
 * @example
 * ```ts
 * await createBroadcast("redis://127.0.0.1:1"); // rejects with BroadcastConnectionError
 * ```
 */
export class BroadcastConnectionError extends SluiceError {
  /**
   * @param url the backend URL
   * @param detail what went wrong, e.g. the socket error's message
   * @param options standard `ErrorOptions` (`cause`: the underlying error)
   */
  constructor(url: string, detail: string, options?: ErrorOptions) {
    super("ERR_BROADCAST_CONNECT", `cannot connect to broadcast backend ${url}: ${detail}`, options);
  }
}

/**
 * `publish` or `subscribe` was called after `close()`.
 *
 * @example
 * ```ts
 * await broadcast.close();
 * await broadcast.publish("room", "hi"); // rejects with BroadcastClosed
 * ```
 */
export class BroadcastClosed extends SluiceError {
  /** @param operation what was attempted after `close()`, e.g. `"publish"` */
  constructor(operation: string) {
    super("ERR_BROADCAST_CLOSED", `cannot ${operation}: the broadcast has been closed`);
  }
}

/**
 * An option given to `createBroadcast` or `subscribe` is impossible (a `maxQueue` that is not a
 * positive integer, a `connectTimeout` that is not a positive number). Thrown when the broadcast
 * or subscription is created. `code` is always `"ERR_BROADCAST_CONFIG"`; `option` names the option.
 *
 * @example
 * ```ts
 * await createBroadcast("memory://", { maxQueue: 0 }); // rejects with BroadcastConfigError
 * ```
 */
export class BroadcastConfigError extends SluiceError {
  /** The option at fault, e.g. `"maxQueue"`. */
  readonly option: string;

  /**
   * @param option the name of the offending option
   * @param message the rule it breaks, e.g. `"must be a positive integer or Infinity"`
   * @param value the value given
   */
  constructor(option: string, message: string, value: unknown) {
    super("ERR_BROADCAST_CONFIG", `broadcast option ${option} ${message}, got ${String(value)}`);
    this.option = option;
  }
}
