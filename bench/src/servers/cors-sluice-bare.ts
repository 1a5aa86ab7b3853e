// Reference floor for the cors scenarios: the same hello-world app on @sluice/server, without CORS.
import { serve } from "@sluice/server";
import { announce } from "./announce.js";
import { helloApp as hello } from "./hello-app.js";

const server = await serve(hello, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
