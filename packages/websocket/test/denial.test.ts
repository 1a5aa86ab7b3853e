import { once } from "node:events";
import { connect as netConnect } from "node:net";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ClientDisconnected, ProtocolError } from "@sluice/core";
import { deferred, recordingLogger, refusedAnswer, startServer, websocketApp, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("denial responses", () => {
  it("keeps the app's content-length and streams a large body in many chunks", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const chunks = 64; // 4 MiB
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({
          type: "websocket.http.response.start",
          status: 503,
          headers: [["content-length", String(chunk.length * chunks)], ["retry-after", "5"]],
        });
        for (let i = 0; i < chunks; i++) await send({ type: "websocket.http.response.body", body: chunk, more_body: i < chunks - 1 });
      }),
    );
    const answer = await refusedAnswer(server.url);
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("5");
    expect(answer.headers["content-length"]).toBe(String(chunk.length * chunks));
    expect(answer.headers.connection).toBe("close");
    expect(answer.body.length).toBe(chunk.length * chunks);
  });

  it("rejects a denial status outside 200-599 and a transfer-encoding header with ProtocolErrors", async () => {
    const errors = deferred<unknown[]>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        const results: unknown[] = [];
        for (const event of [
          { type: "websocket.http.response.start", status: 101 },
          { type: "websocket.http.response.start", status: 600 },
          { type: "websocket.http.response.start", status: 200, headers: [["transfer-encoding", "chunked"]] },
          { type: "websocket.http.response.body", body: Buffer.from("no start yet") },
        ] as const) {
          results.push(await send(event as never).catch((error: unknown) => error));
        }
        errors.resolve(results);
        await send({ type: "websocket.close" });
      }),
    );
    expect((await refusedAnswer(server.url)).status).toBe(403);
    const rules = (await errors.promise).map((error) => (error as ProtocolError).rule);
    expect(rules).toEqual(["websocket-response-status", "websocket-response-status", "websocket-response-headers", "websocket-denial-order"]);
  });

  it("rejects websocket.accept after a denial response started", async () => {
    const result = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.http.response.start", status: 400 });
        result.resolve(await send({ type: "websocket.accept" }).catch((error: unknown) => error));
        await send({ type: "websocket.http.response.body", body: Buffer.from("bad") });
      }),
    );
    expect((await refusedAnswer(server.url)).status).toBe(400);
    expect(await result.promise).toMatchObject({ rule: "websocket-denial-order" });
  });

  it("cuts the connection and logs when the app returns in the middle of a denial response", async () => {
    const logger = recordingLogger();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.http.response.start", status: 401 });
        await send({ type: "websocket.http.response.body", body: Buffer.from("partial"), more_body: true });
      }),
      { logger },
    );
    const socket = netConnect(server.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const received: Buffer[] = [];
    socket.on("data", (data: Buffer) => received.push(data));
    await once(socket, "close");
    const text = Buffer.concat(received).toString("latin1");
    expect(text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(text.endsWith("partial")).toBe(true);
    expect((await logger.nextError()).message).toMatch(/before finishing its denial response/);
  });

  it("rejects a denial body with ClientDisconnected once the response is complete", async () => {
    const result = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.http.response.start", status: 404 });
        await send({ type: "websocket.http.response.body", body: Buffer.from("gone") });
        result.resolve(await send({ type: "websocket.http.response.body", body: Buffer.from("more") }).catch((error: unknown) => error));
      }),
    );
    expect((await refusedAnswer(server.url)).body).toBe("gone");
    expect(await result.promise).toBeInstanceOf(ClientDisconnected);
  });
});
