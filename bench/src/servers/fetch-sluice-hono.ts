// Hono hello world on @sluice/server through @sluice/fetch's fromFetch, with its defaults (lazy
// Request, lightweight global Response), as the @hono/node-server contender runs with its own.
import { fromFetch } from "@sluice/fetch";
import { serve } from "@sluice/server";
import { Hono } from "hono";
import { announce, HELLO_BODY } from "./announce.js";

const hono = new Hono().get("/", (c) => c.text(HELLO_BODY));
const server = await serve(fromFetch(hono.fetch), { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
