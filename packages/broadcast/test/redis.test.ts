import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BroadcastConnectionError, createBroadcast, type BroadcastGap, type Subscription } from "../src/index.js";
import { freePort, startRedis } from "./redis-server.js";

type Redis = Awaited<ReturnType<typeof startRedis>>;
let redis: Redis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function next(sub: Subscription): Promise<string | Uint8Array> {
  const result = await sub[Symbol.asyncIterator]().next();
  if (result.done === true) throw new Error("subscription ended");
  return result.value;
}

describe("redis:// broadcast", () => {
  it("carries text and binary messages between two independent connections", async () => {
    const publisher = await createBroadcast(redis.url);
    const subscriber = await createBroadcast(redis.url);
    const sub = subscriber.subscribe("chat:lobby");
    await sub.ready;
    await publisher.publish("chat:lobby", "héllo");
    await publisher.publish("chat:lobby", new Uint8Array([7, 0, 9]));
    expect(await next(sub)).toBe("héllo");
    const bytes = await next(sub);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).toEqual([7, 0, 9]);
    await Promise.all([publisher.close(), subscriber.close()]);
  });

  it("stops receiving a channel after its last subscriber leaves", async () => {
    const a = await createBroadcast(redis.url);
    const sub = a.subscribe("gone");
    await sub.ready;
    await sub.unsubscribe();
    const other = a.subscribe("kept");
    await other.ready;
    await a.publish("gone", "ignored");
    await a.publish("kept", "seen");
    expect(await next(other)).toBe("seen");
    await a.close();
  });

  it("rejects at startup with a clear error when Redis cannot be reached", async () => {
    const port = await freePort();
    const attempt = createBroadcast(`redis://127.0.0.1:${port}`, { connectTimeout: 1000 });
    await expect(attempt).rejects.toBeInstanceOf(BroadcastConnectionError);
    await expect(createBroadcast(`redis://127.0.0.1:${port}`)).rejects.toThrow(
      new RegExp(`cannot connect to broadcast backend redis://127\\.0\\.0\\.1:${port}`),
    );
  });

  it("survives a Redis restart: re-subscribes, reports the gap and delivers again", async () => {
    const gaps: BroadcastGap[] = [];
    let reportGap: () => void = () => undefined;
    const gapReported = new Promise<void>((resolve) => (reportGap = resolve));
    const subscriber = await createBroadcast(redis.url, {
      onGap: (gap) => {
        gaps.push(gap);
        reportGap();
      },
      onError: () => undefined,
    });
    const publisher = await createBroadcast(redis.url, { onError: () => undefined });
    const sub = subscriber.subscribe("resilient");
    await sub.ready;
    await publisher.publish("resilient", "before");
    expect(await next(sub)).toBe("before");

    await redis.kill();
    await redis.restart();
    await gapReported;
    expect(gaps[0]?.channels).toEqual(["resilient"]);
    expect(gaps[0]!.until.getTime()).toBeGreaterThanOrEqual(gaps[0]!.since.getTime());

    // The subscriber's re-subscription may land just after "ready"; publish until delivered.
    const received = next(sub);
    const state = { delivered: false };
    void received.then(() => (state.delivered = true));
    for (let i = 0; i < 200 && !state.delivered; i++) {
      await publisher.publish("resilient", "after");
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await received).toBe("after");
    await Promise.all([publisher.close(), subscriber.close()]);
  });
});
