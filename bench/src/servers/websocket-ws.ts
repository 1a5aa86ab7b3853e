// Raw `ws` on a plain node:http server: the baseline echo server (and idle connections for
// the memory scenario), written the way the ws README suggests, including its keepalive
// pattern (a 20 s ping sweep over `wss.clients` that terminates peers that missed a pong), so
// both contenders carry the same features: echo, 16 MiB max message, keepalive.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { announce } from "./announce.js";
import { memoryEndpoint } from "./websocket-memory.js";

const alive = new WeakSet<WebSocket>();
const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
wss.on("connection", (ws) => {
  alive.add(ws);
  ws.on("error", () => {});
  ws.on("pong", () => alive.add(ws));
  ws.on("message", (data, isBinary) => {
    ws.send(data as Buffer, { binary: isBinary });
  });
});

setInterval(() => {
  for (const ws of wss.clients) {
    if (!alive.has(ws)) {
      ws.terminate();
      continue;
    }
    alive.delete(ws);
    ws.ping();
  }
}, 20_000).unref();

const server = createServer(memoryEndpoint);
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});
server.listen(0, "127.0.0.1", () => {
  announce((server.address() as AddressInfo).port);
});
