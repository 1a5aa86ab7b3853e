// @sluice/websocket on a plain node:http server: an echo app (and idle connections for the
// memory scenario). Default options, so keepalive pings and flow control are on.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "@sluice/core";
import { createWebSocketHandler } from "@sluice/websocket";
import { announce } from "./announce.js";
import { memoryEndpoint } from "./websocket-memory.js";

const echo: App = async (scope, receive, send) => {
  if (scope.type !== "websocket") return;
  await receive();
  await send({ type: "websocket.accept" });
  for (;;) {
    const event = await receive();
    if (event.type === "websocket.receive") {
      if (event.bytes) await send({ type: "websocket.send", bytes: event.bytes });
      else await send({ type: "websocket.send", text: event.text ?? "" });
    } else if (event.type === "websocket.disconnect") {
      return;
    }
  }
};

const handler = createWebSocketHandler(echo);
const server = createServer(memoryEndpoint);
server.on("upgrade", handler.handleUpgrade);
server.listen(0, "127.0.0.1", () => {
  announce((server.address() as AddressInfo).port);
});
