// The same Hono hello world on @hono/node-server, Hono's own Node adapter.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { announce, HELLO_BODY } from "./announce.js";

const hono = new Hono().get("/", (c) => c.text(HELLO_BODY));
const server = serve({ fetch: hono.fetch, hostname: "127.0.0.1", port: 0 }, (info) => announce(info.port));
process.on("SIGTERM", () => server.close());
