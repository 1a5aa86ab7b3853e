// A sync app (BRIDGE_EXPORT of bridge-sync-apps.ts) run inline on the event loop by
// @sluice/bridge's inlineSyncApp, served by @sluice/server.
import { inlineSyncApp } from "@sluice/bridge";
import { serve } from "@sluice/server";
import { announce } from "./announce.js";
import { cpuApp, helloApp } from "./bridge-sync-apps.js";

const app = inlineSyncApp(process.env["BRIDGE_EXPORT"] === "cpuApp" ? cpuApp : helloApp);
const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
