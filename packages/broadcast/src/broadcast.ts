/**
 * A broadcast message: text or binary, delivered to subscribers exactly as published.
 *
 * @example
 * ```ts
 * const m: BroadcastMessage = "hello"; // or new Uint8Array([1, 2, 3])
 * ```
 */
export type BroadcastMessage = string | Uint8Array;

/**
 * One subscription to a channel: an async iterator of messages that ends on `unsubscribe()`
 * or `close()` of the broadcast, and throws `SubscriberOverflow` if it falls behind.
 *
 * @example
 * ```ts
 * const sub = broadcast.subscribe("room:lobby");
 * for await (const message of sub) console.log(message);
 * ```
 */
export interface Subscription extends AsyncIterable<BroadcastMessage> {
  /** The channel this subscription reads. */
  readonly channel: string;
  /** Messages delivered but not yet read. */
  readonly pending: number;
  /** Stops the subscription; a pending or later iteration ends. */
  unsubscribe(): Promise<void>;
}

/**
 * What `onGap` reports: the backend lost its connection between `since` and `until`;
 * messages published meanwhile may have been missed.
 *
 * @example
 * ```ts
 * createBroadcast(url, { onGap: (gap) => console.warn(`missed up to ${gap.until.getTime() - gap.since.getTime()} ms`) });
 * ```
 */
export interface BroadcastGap {
  /** The backend URL. */
  url: string;
  /** When the connection was lost. */
  since: Date;
  /** When it was back and subscriptions were restored. */
  until: Date;
  /** Channels that were subscribed during the gap. */
  channels: string[];
}

/**
 * Pub/sub fan-out between the connections of one process (`memory://`), the workers of one
 * `sluice --workers N` supervisor (`cluster://`) or any number of machines (`redis://`).
 *
 * @example
 * ```ts
 * const broadcast = await createBroadcast(process.env.SLUICE_BROADCAST_URL ?? "memory://");
 * const sub = broadcast.subscribe("chat");
 * await broadcast.publish("chat", "hi");
 * ```
 */
export interface Broadcast {
  /** The URL this broadcast was created with. */
  readonly url: string;
  /** Publishes a message to every subscriber of `channel`, in every process the backend reaches. */
  publish(channel: string, message: BroadcastMessage): Promise<void>;
  /**
   * Subscribes to `channel`. Messages published after the subscription is ready are
   * delivered; await `ready` when the first message matters.
   */
  subscribe(channel: string, options?: SubscribeOptions): Subscription & { readonly ready: Promise<void> };
  /** Ends every subscription and releases the backend's connections. */
  close(): Promise<void>;
}

/**
 * Options of one subscription.
 *
 * @example
 * ```ts
 * broadcast.subscribe("ticks", { maxQueue: 10_000 });
 * ```
 */
export interface SubscribeOptions {
  /** Messages that may wait unread before the subscriber is dropped. Default: the broadcast's `maxQueue` (1000). */
  maxQueue?: number;
}

/**
 * Options of `createBroadcast`.
 *
 * @example
 * ```ts
 * await createBroadcast("redis://127.0.0.1:6379", { maxQueue: 500, onGap: console.warn });
 * ```
 */
export interface BroadcastOptions {
  /** Default bound of each subscriber's queue. Default `1000`. */
  maxQueue?: number;
  /** Called when a networked backend reconnects after losing its connection. Default: none. */
  onGap?: (gap: BroadcastGap) => void;
  /** Called with connection errors after startup (the backend keeps retrying). Default: none. */
  onError?: (error: Error) => void;
  /** How long to wait for the first connection, in ms (redis). Default `5000`. */
  connectTimeout?: number;
}
