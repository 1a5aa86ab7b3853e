// @sluice/server contender for the server scenarios (see server-workloads.ts).
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { announce } from "./announce.js";
import { fixedBody, workload } from "./server-workloads.js";

const kind = workload();
const body = fixedBody(kind);
const headers: Array<[string, string]> = [["content-type", "text/plain"]];

const fixed: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  await send({ type: "http.response.start", status: 200, headers });
  await send({ type: "http.response.body", body });
};

const upload: App = async (scope, receive, send) => {
  if (scope.type !== "http") return;
  let total = 0;
  for (;;) {
    const event = await receive();
    if (event.type !== "http.request") break;
    total += event.body.byteLength;
    if (!event.more_body) break;
  }
  await send({ type: "http.response.start", status: 200, headers });
  await send({ type: "http.response.body", body: Buffer.from(String(total)) });
};

const server = await serve(kind === "upload" ? upload : fixed, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
