// @sluice/bridge: what running a sync app costs (worker pool, inline) next to the same app
// written as an async app, and what the pool gains for CPU-bound handlers.
import { httpLoad, type Scenario } from "../harness.js";

const metric = { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true };

export const scenarios: Scenario[] = [
  {
    name: "bridge-hello",
    title: "Hello world as a sync app (worker pool, inline) vs as an async app, 50 connections",
    baseline: "async app",
    contenders: [
      { name: "async app", server: "bridge-async-hello.ts" },
      { name: "async app reading the body", server: "bridge-async-hello.ts", env: { BRIDGE_READ_BODY: "1" } },
      { name: "sync app on the worker pool", server: "bridge-pool.ts", env: { BRIDGE_EXPORT: "helloApp" } },
      { name: "sync app inline", server: "bridge-inline.ts", env: { BRIDGE_EXPORT: "helloApp" } },
    ],
    metric,
    measure: httpLoad({ path: "/", connections: 50 }),
  },
  {
    name: "bridge-cpu",
    title: "CPU-bound sync handler (5 ms of CPU per request): worker pool vs inline, 50 connections",
    baseline: "sync app inline",
    contenders: [
      { name: "sync app on the worker pool", server: "bridge-pool.ts", env: { BRIDGE_EXPORT: "cpuApp" } },
      { name: "sync app inline", server: "bridge-inline.ts", env: { BRIDGE_EXPORT: "cpuApp" } },
    ],
    metric,
    measure: httpLoad({ path: "/", connections: 50 }),
  },
];
