// Baseline: the same hello world written as an async app, on @sluice/server. With
// BRIDGE_READ_BODY=1 it first reads the request body with receive(), as every sync bridge must
// (wsgi.input), which separates the cost of reading the body from the cost of the bridge.
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { announce, HELLO_BODY } from "./announce.js";

const body = new TextEncoder().encode(HELLO_BODY);
const readBody = process.env["BRIDGE_READ_BODY"] === "1";
const app: App = async (scope, receive, send) => {
  if (scope.type !== "http") return;
  if (readBody) {
    for (let event = await receive(); event.type === "http.request" && event.more_body; event = await receive()) {
      // Drain the body.
    }
  }
  await send({
    type: "http.response.start",
    status: 200,
    headers: [
      ["content-type", "text/plain"],
      ["content-length", String(body.byteLength)],
    ],
  });
  await send({ type: "http.response.body", body });
};

const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
