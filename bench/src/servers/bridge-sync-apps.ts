// The sync apps the bridge contenders run. Pool workers import this module by path (they
// inherit the server's `--import tsx`), the inline contenders import it directly.
import type { SyncApp } from "@sluice/core";
import { HELLO_BODY } from "./announce.js";

const hello = new TextEncoder().encode(HELLO_BODY);
const headers: Array<[string, string]> = [
  ["Content-Type", "text/plain"],
  ["Content-Length", String(hello.byteLength)],
];

/** Hello world, the sync way. */
export const helloApp: SyncApp = (_environ, startResponse) => {
  startResponse("200 OK", headers);
  return [hello];
};

/** Milliseconds of CPU each request of `cpuApp` burns (BRIDGE_CPU_MS, default 5). */
const cpuMs = Number(process.env["BRIDGE_CPU_MS"] ?? "5");

/** A CPU-bound handler: computes for `cpuMs`, then answers hello world. */
export const cpuApp: SyncApp = (_environ, startResponse) => {
  const until = performance.now() + cpuMs;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  startResponse("200 OK", [...headers, ["X-Work", String(x > 0)]]);
  return [hello];
};
