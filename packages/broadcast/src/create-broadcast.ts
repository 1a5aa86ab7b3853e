import type { Broadcast, BroadcastMessage, BroadcastOptions, SubscribeOptions, Subscription } from "./broadcast.js";
import { BroadcastClosed, BroadcastConfigError, UnsupportedBroadcastUrl } from "./errors.js";
import type { Backend } from "./internal/backend.js";
import { clusterBackend } from "./internal/cluster-backend.js";
import { memoryBackend } from "./internal/memory-backend.js";
import { redisBackend } from "./internal/redis-backend.js";
import { SubscriberQueue } from "./internal/subscriber-queue.js";

const DEFAULT_MAX_QUEUE = 1000;

/** `value` when it is a usable queue bound (a positive integer, or `Infinity`); throws otherwise. */
function checkMaxQueue(value: number): number {
  if ((Number.isInteger(value) && value >= 1) || value === Infinity) return value;
  throw new BroadcastConfigError("maxQueue", "must be a positive integer or Infinity", value);
}

class BroadcastHub implements Broadcast {
  readonly url: string;
  private backend: Backend | undefined;
  private readonly channels = new Map<string, Set<SubscriberQueue>>();
  private readonly maxQueue: number;
  private closed = false;

  constructor(url: string, maxQueue: number) {
    this.url = url;
    this.maxQueue = maxQueue;
  }

  attach(backend: Backend): void {
    this.backend = backend;
  }

  /** Fans a message out to this process's subscribers of `channel`. */
  readonly deliver = (channel: string, message: BroadcastMessage): void => {
    const queues = this.channels.get(channel);
    if (queues === undefined) return;
    for (const queue of [...queues]) queue.push(message);
  };

  async publish(channel: string, message: BroadcastMessage): Promise<void> {
    if (this.closed || this.backend === undefined) throw new BroadcastClosed("publish");
    if (typeof message !== "string" && !(message instanceof Uint8Array)) {
      throw new TypeError("broadcast messages must be a string or a Uint8Array");
    }
    await this.backend.publish(channel, message);
  }

  subscribe(channel: string, options: SubscribeOptions = {}): Subscription & { readonly ready: Promise<void> } {
    const backend = this.backend;
    if (this.closed || backend === undefined) throw new BroadcastClosed("subscribe");
    const maxQueue = options.maxQueue === undefined ? this.maxQueue : checkMaxQueue(options.maxQueue);
    let queues = this.channels.get(channel);
    const first = queues === undefined;
    if (queues === undefined) {
      queues = new Set();
      this.channels.set(channel, queues);
    }
    const queue = new SubscriberQueue(channel, maxQueue, (ended) => this.remove(ended));
    queues.add(queue);
    const ready = first ? backend.listen(channel) : Promise.resolve();
    ready.catch((error: unknown) => queue.fail(error instanceof Error ? error : new Error(String(error))));
    return {
      channel,
      ready,
      get pending() {
        return queue.size;
      },
      unsubscribe: () => {
        queue.end();
        return Promise.resolve();
      },
      [Symbol.asyncIterator]: () => queue,
    };
  }

  private remove(queue: SubscriberQueue): void {
    const queues = this.channels.get(queue.channel);
    if (queues === undefined || !queues.delete(queue) || queues.size > 0) return;
    this.channels.delete(queue.channel);
    if (!this.closed) this.backend?.unlisten(queue.channel).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const queues of [...this.channels.values()]) for (const queue of [...queues]) queue.end();
    this.channels.clear();
    await this.backend?.close();
  }
}

/**
 * Creates a broadcast whose backend is chosen by the URL scheme:
 * - `memory://` — subscribers in this process only (the default);
 * - `cluster://` — every worker of one `sluice --workers N` supervisor, over cluster IPC;
 * - `redis://host:port[/db]` (or `rediss://`) — any number of processes and machines via
 *   Redis pub/sub. Resolves once connected; rejects with `BroadcastConnectionError` when Redis
 *   cannot be reached.
 *
 * Options: `maxQueue` (default 1000) bounds each subscriber's unread messages; `onGap`
 * reports reconnections; `onError` sees connection errors after startup; `connectTimeout`
 * (default 5000 ms).
 *
 * @example
 * ```ts
 * const broadcast = await createBroadcast(process.env.SLUICE_BROADCAST_URL ?? "memory://");
 * const sub = broadcast.subscribe("room:lobby");
 * await sub.ready;
 * await broadcast.publish("room:lobby", JSON.stringify({ text: "hi" }));
 * for await (const message of sub) console.log(message);
 * ```
 */
export async function createBroadcast(url = "memory://", options: BroadcastOptions = {}): Promise<Broadcast> {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new UnsupportedBroadcastUrl(url, "it is not a URL");
  }
  const hub = new BroadcastHub(url, checkMaxQueue(options.maxQueue ?? DEFAULT_MAX_QUEUE));
  const connectTimeout = options.connectTimeout ?? 5000;
  if (!(connectTimeout > 0 && connectTimeout <= 2_147_483_647)) {
    throw new BroadcastConfigError("connectTimeout", "must be a positive number of milliseconds", connectTimeout);
  }
  switch (scheme) {
    case "memory:":
      hub.attach(memoryBackend(hub.deliver));
      break;
    case "cluster:":
      hub.attach(clusterBackend(url, hub.deliver));
      break;
    case "redis:":
    case "rediss:":
      hub.attach(
        await redisBackend(url, hub.deliver, {
          connectTimeout,
          onGap: options.onGap,
          onError: options.onError,
        }),
      );
      break;
    default:
      throw new UnsupportedBroadcastUrl(url, `unknown scheme "${scheme}"`);
  }
  return hub;
}
