// Baseline: the same hello world written as an async app, on @sluice/server.
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { announce, HELLO_BODY } from "./announce.js";

const body = new TextEncoder().encode(HELLO_BODY);
const app: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
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
