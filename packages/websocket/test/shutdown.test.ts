import { afterEach, describe, expect, it } from "vitest";
import type { WebSocketReceiveEventAny } from "@sluice/core";
import { closeOf, connect, deferred, recordingLogger, refusedAnswer, startServer, websocketApp, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function waitingApp(events: WebSocketReceiveEventAny[], connected?: () => void): ReturnType<typeof websocketApp> {
  return websocketApp(async (_scope, receive, send) => {
    await receive();
    await send({ type: "websocket.accept" });
    connected?.();
    for (;;) {
      const event = await receive();
      events.push(event);
      if (event.type === "websocket.disconnect") return;
    }
  });
}

describe("graceful shutdown", () => {
  it("closes every open connection with 1012, gives each app a disconnect and resolves when all are gone", async () => {
    const events: WebSocketReceiveEventAny[] = [];
    server = await startServer(waitingApp(events));
    const clients = await Promise.all([connect(server.url), connect(server.url), connect(server.url)]);
    expect(server.handler.size).toBe(3);
    const codes = Promise.all(clients.map(closeOf));
    await server.handler.close();
    expect((await codes).map((close) => close.code)).toEqual([1012, 1012, 1012]);
    expect(events).toEqual(Array.from({ length: 3 }, () => ({ type: "websocket.disconnect", code: 1012, reason: "" })));
    expect(server.handler.size).toBe(0);
  });

  it("uses the close code it is given", async () => {
    const events: WebSocketReceiveEventAny[] = [];
    server = await startServer(waitingApp(events));
    const client = await connect(server.url);
    const closed = closeOf(client);
    await server.handler.close(1001);
    expect((await closed).code).toBe(1001);
  });

  it("refuses new upgrades with 503 once shutdown has begun", async () => {
    server = await startServer(waitingApp([]));
    await server.handler.close();
    expect((await refusedAnswer(server.url)).status).toBe(503);
  });

  it("answers 503 to a handshake the app has not answered yet and tells the app", async () => {
    const waiting = deferred();
    const seen = deferred<WebSocketReceiveEventAny>();
    server = await startServer(
      websocketApp(async (_scope, receive) => {
        await receive();
        waiting.resolve();
        seen.resolve(await receive());
      }),
    );
    const answer = refusedAnswer(server.url);
    await waiting.promise;
    await server.handler.close(1012, 5_000);
    expect((await answer).status).toBe(503);
    expect(await seen.promise).toEqual({ type: "websocket.disconnect", code: 1012, reason: "" });
  });

  it("terminates connections whose peer does not complete the close handshake within the timeout", async () => {
    const logger = recordingLogger();
    const events: WebSocketReceiveEventAny[] = [];
    server = await startServer(waitingApp(events), { logger });
    const client = await connect(server.url);
    client.on("error", () => {});
    const closed = closeOf(client);
    // A client that stops reading never sees (or answers) the close frame.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    await server.handler.close(1012, 200);
    expect(server.handler.size).toBe(0);
    expect(events).toEqual([{ type: "websocket.disconnect", code: 1006, reason: "" }]);
    expect(logger.warnings.join("\n")).toMatch(/terminating 1 websocket connection/);
    client.terminate();
    await closed;
  });

  it("waits for app calls that are still running after their sockets closed", async () => {
    const release = deferred();
    let finished = false;
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await receive();
        await release.promise;
        finished = true;
      }),
    );
    const client = await connect(server.url);
    const closing = server.handler.close(1012, 10_000);
    await closeOf(client);
    let resolved = false;
    void closing.then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release.resolve();
    await closing;
    expect(finished).toBe(true);
  });

  it("resolves at once when no connection is open", async () => {
    server = await startServer(waitingApp([]));
    await server.handler.close();
    expect(server.handler.size).toBe(0);
  });
});
