import { readFile } from "node:fs/promises";
import { httpLoad, type Scenario } from "../harness.js";

/** Linux clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process in clock ticks, or `undefined` where /proc is not available. */
async function cpuTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

const helloLoad = httpLoad({ connections: 50 });

export const scenarios: Scenario[] = [
  {
    name: "fetch-hono-hello",
    title: "Hono hello world: Sluice fromFetch vs @hono/node-server, 50 connections",
    baseline: "@hono/node-server",
    contenders: [
      { name: "sluice (fromFetch)", server: "fetch-sluice-hono.ts" },
      { name: "@hono/node-server", server: "fetch-hono-node-server.ts" },
    ],
    metric: { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true },
    target: 1.0,
    // Besides req/s, the server's CPU time per request (steadier than req/s on a shared machine).
    async measure(target, options) {
      const before = await cpuTicks(target.pid);
      const figures = await helloLoad(target, options);
      const after = await cpuTicks(target.pid);
      const requests = (figures.requestsPerSecond ?? 0) * options.durationSeconds;
      if (before !== undefined && after !== undefined && requests > 0) {
        figures.serverCpuMicrosPerRequest = ((after - before) * 1_000_000) / TICKS_PER_SECOND / requests;
      }
      return figures;
    },
  },
];
