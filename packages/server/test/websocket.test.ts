import type { App, WebSocketScope } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { RawClient, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const HANDSHAKE = (path: string, extra = ""): string =>
  `GET ${path} HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

/** A websocket app that accepts, sends "hello" and then waits for the disconnect. */
function greetingApp(scopes: WebSocketScope[]): App {
  return async (scope, receive, send) => {
    if (scope.type === "lifespan") {
      await receive();
      scope.state!["name"] = "from-lifespan";
      await send({ type: "lifespan.startup.complete" });
      await receive();
      await send({ type: "lifespan.shutdown.complete" });
      return;
    }
    if (scope.type !== "websocket") {
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: Buffer.from(`plain ${scope.type}`) });
      return;
    }
    scopes.push(scope);
    await receive();
    await send({ type: "websocket.accept" });
    await send({ type: "websocket.send", text: "hello" });
    while ((await receive()).type !== "websocket.disconnect");
  };
}

describe("WebSocket upgrades", () => {
  it("hands WebSocket upgrades to @sluice/websocket with the server's scope values", async () => {
    const scopes: WebSocketScope[] = [];
    server = await start(greetingApp(scopes), { lifespan: "on", rootPath: "/mount" });
    const client = await RawClient.open(server.port);
    client.write(HANDSHAKE("/chat?room=1", "X-Forwarded-For: 198.51.100.9\r\nX-Forwarded-Proto: https\r\n"));
    await client.until((text) => text.includes("\r\n\r\n") && text.includes("hello"));
    expect(client.text).toMatch(/^HTTP\/1\.1 101 /);
    const frameStart = client.text.indexOf("\r\n\r\n") + 4;
    expect(client.text.charCodeAt(frameStart)).toBe(0x81);
    expect(client.text.slice(frameStart + 2, frameStart + 7)).toBe("hello");
    expect(scopes[0]).toMatchObject({
      type: "websocket",
      scheme: "wss",
      client: ["198.51.100.9", 0],
      root_path: "/mount",
      path: "/mount/chat",
      query_string: "room=1",
      state: { name: "from-lifespan" },
    });
    client.destroy();
  });

  it("closes open WebSockets with code 1012 on graceful shutdown", async () => {
    const scopes: WebSocketScope[] = [];
    const running = await start(greetingApp(scopes));
    const client = await RawClient.open(running.port);
    client.write(HANDSHAKE("/"));
    await client.until((text) => text.includes("hello"));
    const closing = running.close();
    await client.until((text) => text.includes("\x88"));
    const closeFrame = client.text.slice(client.text.indexOf("\x88"));
    expect((closeFrame.charCodeAt(2) << 8) | closeFrame.charCodeAt(3)).toBe(1012);
    client.destroy();
    await closing;
  });

  it("serves a request offering a non-WebSocket upgrade (h2c) as plain HTTP/1.1", async () => {
    server = await start(greetingApp([]));
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 200, body: "plain http" });
    expect(client.text).not.toMatch(/^HTTP\/1\.1 101/);
    client.destroy();
  });

  it("hides the ignored upgrade offer from the app's scope", async () => {
    const seen: Array<Array<[string, string]>> = [];
    server = await start(async (scope, _receive, send) => {
      if (scope.type !== "http") return;
      seen.push(scope.headers.map(([name, value]) => [name, value]));
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    });
    const client = await RawClient.open(server.port);
    client.write("GET /x HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
    await client.responses(1);
    expect(seen[0]).toEqual([
      ["host", "a"],
      ["connection", "HTTP2-Settings"],
      ["http2-settings", "AAMAAABkAAQAAP__"],
    ]);
    client.destroy();
  });

  it("delivers the body of a POST offering an h2c upgrade, and serves the request pipelined after it", async () => {
    const bodies: string[] = [];
    server = await start(async (scope, receive, send) => {
      if (scope.type !== "http") return;
      let body = "";
      for (;;) {
        const event = await receive();
        if (event.type !== "http.request") break;
        body += Buffer.from(event.body).toString("latin1");
        if (!event.more_body) break;
      }
      bodies.push(`${scope.method} ${scope.path} ${body}`);
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: Buffer.from(`${scope.method} ${scope.path} ${body}`) });
    });
    const client = await RawClient.open(server.port);
    client.write(
      "POST /p HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 5\r\n\r\nhello" +
        "GET /next HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    const responses = await client.responses(2);
    expect(responses.map((response) => response.body)).toEqual(["POST /p hello", "GET /next "]);
    // Pipelined requests run side by side; only their responses are ordered.
    expect([...bodies].sort()).toEqual(["GET /next ", "POST /p hello"]);
    client.destroy();
  });

  it("passes upgrade requests to the app as plain HTTP when ws is false", async () => {
    server = await start(greetingApp([]), { ws: false });
    const client = await RawClient.open(server.port);
    client.write(HANDSHAKE("/"));
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 200, body: "plain http" });
    client.destroy();
  });

  it("does not negotiate permessage-deflate by default, even when the client offers it", async () => {
    server = await start(greetingApp([]));
    const client = await RawClient.open(server.port);
    client.write(HANDSHAKE("/", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    const head = (await client.until((text) => text.includes("\r\n\r\n"))).split("\r\n\r\n")[0] ?? "";
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head.toLowerCase()).not.toContain("sec-websocket-extensions");
    client.destroy();
  });

  it("negotiates permessage-deflate when wsPerMessageDeflate is true", async () => {
    server = await start(greetingApp([]), { wsPerMessageDeflate: true });
    const client = await RawClient.open(server.port);
    client.write(HANDSHAKE("/", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    const head = (await client.until((text) => text.includes("\r\n\r\n"))).split("\r\n\r\n")[0] ?? "";
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head.toLowerCase()).toMatch(/sec-websocket-extensions: permessage-deflate/);
    client.destroy();
  });

  it("counts WebSocket sessions against limitConcurrency", async () => {
    const scopes: WebSocketScope[] = [];
    server = await start(greetingApp(scopes), { limitConcurrency: 1 });
    const first = await RawClient.open(server.port);
    first.write(HANDSHAKE("/"));
    await first.until((text) => text.includes("hello"));
    const second = await fetch(server.url);
    expect(second.status).toBe(503);
    first.destroy();
  });
});
