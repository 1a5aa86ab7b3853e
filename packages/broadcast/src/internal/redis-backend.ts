import { createClient } from "@redis/client";
import type { BroadcastGap, BroadcastMessage } from "../broadcast.js";
import { BroadcastConnectionError } from "../errors.js";
import type { Backend, Deliver } from "./backend.js";

const TEXT_TAG = 0x74; // "t"
const BYTES_TAG = 0x62; // "b"

function encode(message: BroadcastMessage): Buffer {
  if (typeof message === "string") {
    const body = Buffer.from(message, "utf8");
    const out = Buffer.allocUnsafe(body.length + 1);
    out[0] = TEXT_TAG;
    body.copy(out, 1);
    return out;
  }
  const out = Buffer.allocUnsafe(message.byteLength + 1);
  out[0] = BYTES_TAG;
  out.set(message, 1);
  return out;
}

function decode(payload: Buffer): BroadcastMessage {
  if (payload[0] === TEXT_TAG) return payload.toString("utf8", 1);
  return new Uint8Array(payload.subarray(1));
}

export interface RedisBackendOptions {
  connectTimeout: number;
  onGap: ((gap: BroadcastGap) => void) | undefined;
  onError: ((error: Error) => void) | undefined;
}

/**
 * Any number of processes and machines, through Redis pub/sub: one connection publishes, one
 * subscribes. After a lost connection the client reconnects with backoff, re-subscribes and
 * `onGap` reports the window in which messages may have been missed.
 */
export async function redisBackend(url: string, deliver: Deliver, options: RedisBackendOptions): Promise<Backend> {
  let started = false;
  const reconnectStrategy = (retries: number, cause: Error): number | Error =>
    started ? Math.min(50 * 2 ** Math.min(retries, 6), 2000) : new BroadcastConnectionError(url, cause.message, { cause });
  const publisher = createClient({ url, socket: { reconnectStrategy, connectTimeout: options.connectTimeout } });
  const subscriber = publisher.duplicate();
  const channels = new Set<string>();
  const listener = (message: Buffer, channel: Buffer): void => {
    deliver(channel.toString("utf8"), decode(message));
  };
  let lostAt: Date | undefined;
  const onError = (error: Error): void => {
    if (!started) return;
    lostAt ??= new Date();
    options.onError?.(error);
  };
  publisher.on("error", onError);
  subscriber.on("error", onError);
  subscriber.on("reconnecting", () => {
    lostAt ??= new Date();
  });
  subscriber.on("ready", () => {
    if (lostAt === undefined) return;
    const gap: BroadcastGap = { url, since: lostAt, until: new Date(), channels: [...channels] };
    lostAt = undefined;
    options.onGap?.(gap);
  });
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
  } catch (error) {
    for (const client of [publisher, subscriber]) {
      if (client.isOpen) client.destroy();
    }
    if (error instanceof BroadcastConnectionError) throw error;
    throw new BroadcastConnectionError(url, error instanceof Error ? error.message : String(error), { cause: error });
  }
  started = true;
  return {
    async publish(channel, message) {
      await publisher.publish(channel, encode(message));
    },
    async listen(channel) {
      channels.add(channel);
      await subscriber.subscribe(channel, listener, true);
    },
    async unlisten(channel) {
      channels.delete(channel);
      await subscriber.unsubscribe(channel, listener, true);
    },
    async close() {
      started = false;
      await Promise.allSettled([publisher.close(), subscriber.close()]);
    },
  };
}
