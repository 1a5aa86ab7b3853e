import { httpLoad, type Scenario } from "../harness.js";

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
    measure: httpLoad({ connections: 50 }),
  },
];
