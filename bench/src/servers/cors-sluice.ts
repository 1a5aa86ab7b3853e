// @sluice/cors in front of a hello-world app, served by @sluice/server.
import { cors } from "@sluice/cors";
import { serve } from "@sluice/server";
import { announce } from "./announce.js";
import { helloApp as hello } from "./hello-app.js";

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
