// @hono/node-server contender for the server scenarios (see server-workloads.ts).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { announce } from "./announce.js";
import { fixedBody, workload } from "./server-workloads.js";

const kind = workload();
const body = new Uint8Array(fixedBody(kind));
const app = new Hono();

if (kind === "upload") {
  app.post("/", async (c) => {
    let total = 0;
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = c.req.raw.body?.getReader();
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
      }
    }
    return c.text(String(total));
  });
} else {
  app.get("/", (c) => c.body(body, 200, { "content-type": "text/plain" }));
}

serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
  announce(info.port);
});
