// @sluice/static (default options) in front of a 404 app, served by @sluice/server.
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";
import { staticFiles } from "@sluice/static";
import { announce } from "./announce.js";
import { prepareStaticFixture } from "./static-fixture.js";

const notFound: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  await send({ type: "http.response.start", status: 404, headers: [["content-length", "0"]] });
  await send({ type: "http.response.body" });
};

const directory = await prepareStaticFixture();
const app = staticFiles({ directory })(notFound);
const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
announce(server.port);
