import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFuzz, type FuzzReport } from "../src/fuzz/fuzzer.js";
import { CRASH_DIR, startFuzzTarget, type FuzzTarget } from "../src/fuzz/fuzz-target.js";

// A short, bounded fuzzing session per run (about 20 s in all); `pnpm --filter
// @sluice/production-tests fuzz -- --seconds 600` runs the long one. The seed is printed so a
// failing run can be replayed exactly (FUZZ_SEED=<n>).
const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);

function describeFailures(report: FuzzReport): string {
  return report.failures.map((f) => `${f.kind}: ${f.detail}\n  reproducer saved at ${f.reproducer}`).join("\n");
}

describe("mutation fuzzing a running sluice server", () => {
  let target: FuzzTarget;

  beforeAll(async () => {
    target = await startFuzzTarget();
  });

  afterAll(async () => {
    await target.stop();
  });

  it("survives mutated HTTP/1.1 requests without a crash, a hang or a 5xx the app did not cause", async () => {
    const report = await runFuzz({ mode: "http", port: target.sluice.port, stats: target.stats, alive: target.sluice.alive, seconds: 13, maxIterations: 15_000, seed: SEED, crashDir: CRASH_DIR });
    console.log(`http fuzz: seed ${SEED}, ${report.iterations} cases, statuses ${JSON.stringify(report.statuses)}`);
    if (report.failures.length > 0) console.log(describeFailures(report));
    expect(report.failures, describeFailures(report)).toEqual([]);
    expect(report.iterations).toBeGreaterThanOrEqual(200);
    expect(target.sluice.alive()).toBe(true);
    expect((await target.stats()).seen).toBeGreaterThan(0);
  });

  it("survives mutated WebSocket frames after a valid handshake without a crash or a hang", async () => {
    const report = await runFuzz({ mode: "websocket", port: target.sluice.port, stats: target.stats, alive: target.sluice.alive, seconds: 6, maxIterations: 8_000, seed: SEED, crashDir: CRASH_DIR });
    console.log(`websocket fuzz: seed ${SEED}, ${report.iterations} cases`);
    if (report.failures.length > 0) console.log(describeFailures(report));
    expect(report.failures, describeFailures(report)).toEqual([]);
    expect(report.iterations).toBeGreaterThanOrEqual(100);
    expect(target.sluice.alive()).toBe(true);
  });
});

describe("the fuzz oracle", () => {
  it("flags a 5xx for a request the app never saw and saves the reproducer bytes", async () => {
    // A stand-in server that answers 502 to everything while its "app" never throws.
    const server = createServer((_req, res) => {
      res.writeHead(502, { connection: "close" }).end("bad gateway");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const crashDir = await mkdtemp(join(tmpdir(), "sluice-fuzz-oracle-"));
    try {
      const report = await runFuzz({
        mode: "http",
        port: (server.address() as AddressInfo).port,
        stats: () => Promise.resolve({ seen: 0, thrown: 0 }),
        alive: () => true,
        seconds: 20,
        maxIterations: 200,
        seed: 7,
        crashDir,
        maxFailures: 1,
      });
      expect(report.failures).toHaveLength(1);
      const failure = report.failures[0]!;
      expect(failure.kind).toBe("unexplained-5xx");
      const info = JSON.parse(await readFile(failure.reproducer.replace(/\.bin$/, ".json"), "utf8")) as { seed: number; responseLatin1: string };
      expect(info.seed).toBe(7);
      expect(info.responseLatin1).toContain("502");
      expect((await readFile(failure.reproducer)).length).toBeGreaterThan(0);
    } finally {
      server.close();
      await rm(crashDir, { recursive: true, force: true });
    }
  });

  it("flags a server that stops answering as a crash", async () => {
    const server = createServer((_req, res) => {
      res.end("ok");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const crashDir = await mkdtemp(join(tmpdir(), "sluice-fuzz-oracle-"));
    let calls = 0;
    try {
      const report = await runFuzz({
        mode: "http",
        port: (server.address() as AddressInfo).port,
        stats: () => (calls++ === 0 ? Promise.resolve({ seen: 0, thrown: 0 }) : Promise.reject(new Error("connection refused"))),
        alive: () => false,
        seconds: 20,
        maxIterations: 50,
        seed: 3,
        crashDir,
      });
      expect(report.failures.map((f) => f.kind)).toEqual(["crash"]);
      expect(report.failures[0]!.detail).toContain("exited");
    } finally {
      server.close();
      await rm(crashDir, { recursive: true, force: true });
    }
  });
});
