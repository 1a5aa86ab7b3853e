import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis } from "./redis-server.js";
import { RelayClient, startSluice, type SluiceProcess } from "./sluice-process.js";

type Redis = Awaited<ReturnType<typeof startRedis>>;
let redis: Redis;
const running: SluiceProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await redis.stop();
});

describe("broadcast across sluice processes", () => {
  it("carries a chat message between two servers on different ports sharing Redis, and again after Redis restarts", { timeout: 90_000 }, async () => {
    const env = { SLUICE_BROADCAST_URL: redis.url };
    const [one, two] = await Promise.all([startSluice([], env), startSluice([], env)]);
    running.push(one, two);
    expect(one.url).not.toBe(two.url);
    const alice = await RelayClient.connect(one.url);
    const bob = await RelayClient.connect(two.url);
    expect(alice.pid).not.toBe(bob.pid);

    alice.socket.send("hello from server one");
    await bob.waitFor("hello from server one");

    await redis.kill();
    await redis.restart();
    // Publishing waits while the connection is down; keep sending until one gets through.
    for (let i = 0; bob.received.filter((m) => m.startsWith("after restart")).length === 0 && i < 400; i++) {
      alice.socket.send(`after restart ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(bob.received.some((m) => m.startsWith("after restart"))).toBe(true);
    await Promise.all([alice.close(), bob.close()]);
  });
});

describe("cluster:// across the workers of one sluice supervisor", () => {
  it("carries a chat message from a client on one worker to a client on another", { timeout: 90_000 }, async () => {
    const supervisor = await startSluice(["--workers", "2"], { SLUICE_BROADCAST_URL: "cluster://" });
    running.push(supervisor);
    // The supervisor hands connections to workers in turn, but a run of twenty or more in a row
    // can land on the same worker (seen about once in fifteen runs); connect, closing each
    // client that shares alice's worker, until one lands on the other worker.
    const alice = await RelayClient.connect(supervisor.url);
    let bob: RelayClient | undefined;
    for (let attempt = 0; attempt < 500 && bob === undefined; attempt++) {
      const client = await RelayClient.connect(supervisor.url);
      if (client.pid !== alice.pid) bob = client;
      else await client.close();
    }
    expect(bob).toBeDefined();
    alice.socket.send("across workers");
    await bob!.waitFor("across workers");
    await Promise.all([alice.close(), bob!.close()]);
  });
});
