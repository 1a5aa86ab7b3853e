// @sluice/compression on @sluice/server: GET /json (100 KiB JSON in one message), GET /sse (an event stream).
import { setTimeout as delay } from "node:timers/promises";
import type { App } from "@sluice/core";
import { compression } from "@sluice/compression";
import { serve } from "@sluice/server";
import { announce } from "./announce.js";
import { jsonPayload, SSE_EVENTS, SSE_INTERVAL_MS, sseEvent } from "./compression-payload.js";

const json = jsonPayload();

const inner: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  if (scope.path === "/sse") {
    await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/event-stream"], ["cache-control", "no-cache"]] });
    for (let i = 0; i < SSE_EVENTS; i++) {
      if (i > 0) await delay(SSE_INTERVAL_MS);
      await send({ type: "http.response.body", body: sseEvent(i), more_body: true });
    }
    await send({ type: "http.response.body", more_body: false });
    return;
  }
  await send({
    type: "http.response.start",
    status: 200,
    headers: [
      ["content-type", "application/json"],
      ["content-length", String(json.byteLength)],
    ],
  });
  await send({ type: "http.response.body", body: json });
};

// Same levels as the npm contender (gzip 6, br 4).
const app = compression({ levels: { gzip: 6, br: 4 } })(inner);
const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
