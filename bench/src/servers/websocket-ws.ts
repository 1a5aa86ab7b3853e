// Raw `ws` on a plain node:http server: the baseline echo server (and idle connections for
// the memory scenario), the way the ws README writes it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { announce } from "./announce.js";
import { memoryEndpoint } from "./websocket-memory.js";

const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 16 * 1024 * 1024 });
wss.on("connection", (ws) => {
  ws.on("error", () => {});
  ws.on("message", (data, isBinary) => {
    ws.send(data as Buffer, { binary: isBinary });
  });
});

const server = createServer(memoryEndpoint);
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});
server.listen(0, "127.0.0.1", () => {
  announce((server.address() as AddressInfo).port);
});
