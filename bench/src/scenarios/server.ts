// @sluice/server against raw node:http, fastify and @hono/node-server: the same workloads
// (server-workloads.ts), each contender in its own process, autocannon in the harness process.
import { httpLoad, type Contender, type Scenario } from "../harness.js";

function contenders(workload: "hello" | "16k" | "upload"): Contender[] {
  const env = { SERVER_WORKLOAD: workload };
  return [
    { name: "sluice", server: "server-sluice.ts", env },
    { name: "node:http", server: "server-node.ts", env },
    { name: "fastify", server: "server-fastify.ts", env },
    { name: "@hono/node-server", server: "server-hono.ts", env },
  ];
}

const requestsPerSecond = { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true };

export const scenarios: Scenario[] = [
  {
    name: "server-hello",
    title: 'Hello world (13-byte "Hello, World!"), 50 keep-alive connections',
    baseline: "node:http",
    contenders: contenders("hello"),
    metric: requestsPerSecond,
    target: 0.9,
    measure: httpLoad({ path: "/", connections: 50 }),
  },
  {
    name: "server-hello-p99",
    title: "p99 latency of hello world under the same load (50 keep-alive connections)",
    baseline: "node:http",
    contenders: contenders("hello"),
    metric: { name: "p99LatencyMs", unit: "ms", higherIsBetter: false },
    // "p99 at most 1.2 times node:http's", as a better-is-higher ratio.
    target: 1 / 1.2,
    measure: httpLoad({ path: "/", connections: 50 }),
  },
  {
    name: "server-16k",
    title: "16 KiB response, 50 keep-alive connections",
    baseline: "node:http",
    contenders: contenders("16k"),
    metric: requestsPerSecond,
    target: 0.9,
    measure: httpLoad({ path: "/", connections: 50 }),
  },
  {
    name: "server-upload",
    title: "1 MiB upload read to the end, 10 connections",
    baseline: "node:http",
    contenders: contenders("upload"),
    metric: requestsPerSecond,
    target: 0.9,
    measure: httpLoad({ method: "POST", path: "/", body: Buffer.alloc(1024 * 1024, 0x75), headers: { "content-type": "application/octet-stream" }, connections: 10 }),
  },
  {
    name: "server-keepalive",
    title: "Hello world over 10 keep-alive connections with 10 pipelined requests each",
    baseline: "node:http",
    contenders: contenders("hello"),
    metric: requestsPerSecond,
    target: 0.9,
    measure: httpLoad({ path: "/", connections: 10, pipelining: 10 }),
  },
];
