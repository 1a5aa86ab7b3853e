// Reference floor for the cors scenarios: the same hello-world app on @sluice/server, without CORS.
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { announce, HELLO_BODY } from "./announce.js";

const body = new TextEncoder().encode(HELLO_BODY);
const hello: App = async (scope, _receive, send) => {
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

const server = await serve(hello, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
