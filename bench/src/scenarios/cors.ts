// CORS middleware throughput: @sluice/cors on @sluice/server vs the `cors` npm package on node:http.
// The two "no CORS" contenders answer the same requests without any middleware: they show each
// server's floor, so the cost of the middleware itself can be read off (sluice vs its floor,
// cors (npm) vs node:http's floor). Without middleware the preflight requests reach the app.
import { httpLoad, type Scenario } from "../harness.js";

const contenders = [
  { name: "sluice", server: "cors-sluice.ts" },
  { name: "cors (npm) on node:http", server: "cors-npm.ts" },
  { name: "sluice, no CORS (floor)", server: "cors-sluice-bare.ts" },
  { name: "node:http, no CORS (floor)", server: "cors-node-bare.ts" },
];
const metric = { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true };

export const scenarios: Scenario[] = [
  {
    name: "cors-preflight",
    title: "CORS preflight (allowed origin, method and header), 50 connections",
    baseline: "cors (npm) on node:http",
    contenders,
    metric,
    target: 1.0,
    measure: httpLoad({
      method: "OPTIONS",
      path: "/items",
      headers: {
        origin: "https://b.example",
        "access-control-request-method": "PUT",
        "access-control-request-headers": "x-token",
      },
      connections: 50,
    }),
  },
  {
    name: "cors-actual",
    title: "CORS actual GET from an allowed origin, 50 connections",
    baseline: "cors (npm) on node:http",
    contenders,
    metric,
    target: 1.0,
    measure: httpLoad({ method: "GET", path: "/items", headers: { origin: "https://b.example" }, connections: 50 }),
  },
];
