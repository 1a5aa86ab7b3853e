// A sync app (BRIDGE_EXPORT of bridge-sync-apps.ts) on @sluice/bridge's worker pool
// (BRIDGE_WORKERS threads, default one per core), served by @sluice/server.
import { workerPoolApp } from "@sluice/bridge";
import { serve } from "@sluice/server";
import { announce } from "./announce.js";

// Worker threads do not inherit the `--import tsx` hooks, so each worker registers tsx itself
// before importing the TypeScript app module.
const tsxApi = import.meta.resolve("tsx/esm/api");
const registerTsx = `data:text/javascript,${encodeURIComponent(`import { register } from ${JSON.stringify(tsxApi)}; register();`)}`;

const workers = process.env["BRIDGE_WORKERS"];
const app = workerPoolApp({
  module: new URL("./bridge-sync-apps.ts", import.meta.url),
  exportName: process.env["BRIDGE_EXPORT"] ?? "helloApp",
  preload: [registerTsx],
  ...(workers === undefined ? {} : { workers: Number(workers) }),
});
await app.ready();
const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
