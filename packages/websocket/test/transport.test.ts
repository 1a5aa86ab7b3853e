import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { connect as netConnect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocketReceiveEventAny, WebSocketScope } from "@sluice/core";
import { WebSocket } from "ws";
import { createWebSocketHandler } from "../src/index.js";
import { connect, deferred, frame, nextMessage, silentLogger, startServer, websocketApp, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("transport details", () => {
  it("keeps a frame the client sent before the 101 and delivers it after accept", async () => {
    const release = deferred();
    const first = deferred<WebSocketReceiveEventAny>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await release.promise;
        await send({ type: "websocket.accept" });
        first.resolve(await receive());
        await receive();
      }),
    );
    const socket = netConnect(server.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    // Sent separately, while the app is still deciding.
    await new Promise<void>((resolve) => socket.write(frame(0x1, Buffer.from("early bird")), () => resolve()));
    release.resolve();
    expect(await first.promise).toEqual({ type: "websocket.receive", text: "early bird" });
    socket.destroy();
  });

  it("serves concurrent receive() calls in order", async () => {
    const results = deferred<WebSocketReceiveEventAny[]>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        results.resolve(await Promise.all([receive(), receive(), receive()]));
        await receive();
      }),
    );
    const client = await connect(server.url);
    client.send("one");
    client.send("two");
    client.close(1000);
    const events = await results.promise;
    expect(events).toEqual([
      { type: "websocket.receive", text: "one" },
      { type: "websocket.receive", text: "two" },
      { type: "websocket.disconnect", code: 1000, reason: "" },
    ]);
  });

  it("does not negotiate permessage-deflate by default", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await receive();
      }),
    );
    const client = await connect(server.url, [], { perMessageDeflate: true });
    expect(client.extensions).toBe("");
    client.close();
  });

  it("negotiates permessage-deflate when enabled and still echoes", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        const event = await receive();
        if (event.type === "websocket.receive") await send({ type: "websocket.send", text: event.text ?? "" });
        await receive();
      }),
      { perMessageDeflate: true },
    );
    const client = await connect(server.url, [], { perMessageDeflate: true });
    expect(client.extensions).toMatch(/^permessage-deflate/);
    const reply = nextMessage(client);
    const text = "compress me ".repeat(200);
    client.send(text);
    expect((await reply).data.toString()).toBe(text);
    client.close();
  });

  it("reports scheme wss on a TLS server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-ws-tls-"));
    try {
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
      ], { stdio: "ignore" });
      const seen = deferred<WebSocketScope>();
      const handler = createWebSocketHandler(
        websocketApp(async (scope, receive, send) => {
          seen.resolve(scope);
          await receive();
          await send({ type: "websocket.accept" });
          await receive();
        }),
        { logger: silentLogger() },
      );
      const https = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) });
      https.on("upgrade", handler.handleUpgrade);
      https.listen(0, "127.0.0.1");
      await once(https, "listening");
      const { port } = https.address() as AddressInfo;
      const client = await connect(`wss://127.0.0.1:${port}/secure`, [], { rejectUnauthorized: false });
      const scope = await seen.promise;
      expect(scope.scheme).toBe("wss");
      expect(scope.path).toBe("/secure");
      expect(client.readyState).toBe(WebSocket.OPEN);
      await handler.close(1001, 2_000);
      https.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
