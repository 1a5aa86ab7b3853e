import { describe, expect, it } from "vitest";
import { BroadcastClosed, BroadcastConfigError, createBroadcast, SubscriberOverflow, UnsupportedBroadcastUrl, type Subscription } from "../src/index.js";

async function take(sub: Subscription, count: number): Promise<Array<string | Uint8Array>> {
  const out: Array<string | Uint8Array> = [];
  for await (const message of sub) {
    out.push(message);
    if (out.length === count) break;
  }
  return out;
}

describe("memory:// broadcast", () => {
  it("delivers a published message to every subscriber of the channel and to no other channel", async () => {
    const broadcast = await createBroadcast("memory://");
    const a = broadcast.subscribe("room:a");
    const b = broadcast.subscribe("room:a");
    const other = broadcast.subscribe("room:b");
    await broadcast.publish("room:a", "hello");
    expect(await take(a, 1)).toEqual(["hello"]);
    expect(await take(b, 1)).toEqual(["hello"]);
    expect(other.pending).toBe(0);
    await broadcast.close();
  });

  it("delivers binary messages as identical bytes", async () => {
    const broadcast = await createBroadcast();
    const sub = broadcast.subscribe("bin");
    await broadcast.publish("bin", new Uint8Array([0, 1, 255]));
    const [message] = await take(sub, 1);
    expect(message).toBeInstanceOf(Uint8Array);
    expect([...(message as Uint8Array)]).toEqual([0, 1, 255]);
    await broadcast.close();
  });

  it("keeps the publish order for each subscriber", async () => {
    const broadcast = await createBroadcast();
    const sub = broadcast.subscribe("order");
    for (let i = 0; i < 100; i++) await broadcast.publish("order", String(i));
    expect(await take(sub, 100)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    await broadcast.close();
  });

  it("ends the iteration when the subscription is unsubscribed", async () => {
    const broadcast = await createBroadcast();
    const sub = broadcast.subscribe("room");
    const drained = take(sub, 10);
    await broadcast.publish("room", "one");
    await sub.unsubscribe();
    expect(await drained).toEqual(["one"]);
    await broadcast.publish("room", "after");
    expect(sub.pending).toBe(0);
    await broadcast.close();
  });

  it("ends every subscription on close and refuses publish afterwards", async () => {
    const broadcast = await createBroadcast();
    const sub = broadcast.subscribe("room");
    const drained = take(sub, 10);
    await broadcast.close();
    expect(await drained).toEqual([]);
    await expect(broadcast.publish("room", "late")).rejects.toBeInstanceOf(BroadcastClosed);
    expect(() => broadcast.subscribe("room")).toThrow(/closed/);
  });

  it("drops a subscriber that falls more than maxQueue messages behind, with a clear error", async () => {
    const broadcast = await createBroadcast("memory://", { maxQueue: 10 });
    const slow = broadcast.subscribe("ticks");
    const fast = broadcast.subscribe("ticks", { maxQueue: 100 });
    for (let i = 0; i < 11; i++) await broadcast.publish("ticks", String(i));
    const iterator = slow[Symbol.asyncIterator]();
    const failure = await iterator.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubscriberOverflow);
    expect((failure as SubscriberOverflow).code).toBe("ERR_BROADCAST_OVERFLOW");
    expect((failure as Error).message).toContain('"ticks" fell more than 10 messages behind');
    expect(await take(fast, 11)).toHaveLength(11);
    await broadcast.close();
  });

  it("keeps memory bounded while a subscriber never reads", async () => {
    const broadcast = await createBroadcast("memory://", { maxQueue: 100 });
    const stuck = broadcast.subscribe("flood");
    const reader = broadcast.subscribe("flood", { maxQueue: 1_000_000 });
    const payload = "x".repeat(1024);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let received = 0;
    const consuming = (async () => {
      for await (const _ of reader) if (++received === 100_000) break;
    })();
    for (let i = 0; i < 100_000; i++) {
      await broadcast.publish("flood", payload + String(i));
    }
    await consuming;
    const growth = process.memoryUsage().heapUsed - before;
    expect(received).toBe(100_000);
    expect(stuck.pending).toBe(0); // dropped, its queue freed
    expect(growth).toBeLessThan(60 * 1024 * 1024); // 100 MB of messages flowed
    await broadcast.close();
  });

  it("rejects a URL with an unknown scheme naming the supported ones", async () => {
    await expect(createBroadcast("kafka://broker:9092")).rejects.toThrow(UnsupportedBroadcastUrl);
    await expect(createBroadcast("kafka://broker:9092")).rejects.toThrow(/memory:\/\/, cluster:\/\/ or redis:\/\//);
  });

  it("rejects a string that is not a URL", async () => {
    await expect(createBroadcast("not a url")).rejects.toMatchObject({ code: "ERR_BROADCAST_URL" });
  });

  it("refuses cluster:// outside a cluster worker with a message saying where it works", async () => {
    await expect(createBroadcast("cluster://")).rejects.toThrow(/sluice --workers N/);
  });

  it("rejects messages that are neither text nor bytes", async () => {
    const broadcast = await createBroadcast();
    await expect(broadcast.publish("room", 42 as unknown as string)).rejects.toThrow(TypeError);
    await broadcast.close();
  });

  it("rejects a maxQueue that would not bound the queue with BroadcastConfigError", async () => {
    await expect(createBroadcast("memory://", { maxQueue: Number.NaN })).rejects.toThrow(BroadcastConfigError);
    await expect(createBroadcast("memory://", { maxQueue: 0 })).rejects.toMatchObject({ code: "ERR_BROADCAST_CONFIG", option: "maxQueue" });
  });

  it("rejects a subscription whose maxQueue is not a positive integer and keeps serving the channel", async () => {
    const broadcast = await createBroadcast();
    expect(() => broadcast.subscribe("room", { maxQueue: -5 })).toThrow(/maxQueue must be a positive integer/);
    const sub = broadcast.subscribe("room");
    await broadcast.publish("room", "still here");
    expect(await take(sub, 1)).toEqual(["still here"]);
    await broadcast.close();
  });

  it("rejects a connectTimeout that is not a positive number", async () => {
    await expect(createBroadcast("memory://", { connectTimeout: -1 })).rejects.toMatchObject({ option: "connectTimeout" });
  });
});
