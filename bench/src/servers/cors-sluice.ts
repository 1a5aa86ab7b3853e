// @sluice/cors in front of a hello-world app, served by @sluice/server.
import type { App } from "@sluice/core";
import { cors } from "@sluice/cors";
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

// The same policy as cors-npm.ts.
const app = cors({
  allowOrigins: ["https://a.example", "https://b.example"],
  allowMethods: ["GET", "POST", "PUT"],
  allowHeaders: ["x-token", "content-type"],
  allowCredentials: true,
  exposeHeaders: ["x-request-id"],
  maxAge: 600,
})(hello);

const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
