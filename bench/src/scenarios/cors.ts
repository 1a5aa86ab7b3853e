// CORS middleware throughput: @sluice/cors on @sluice/server vs the `cors` npm package on node:http.
import { httpLoad, type Scenario } from "../harness.js";

const contenders = [
  { name: "sluice", server: "cors-sluice.ts" },
  { name: "cors (npm) on node:http", server: "cors-npm.ts" },
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
