import { afterEach, describe, expect, it } from "vitest";
import { ClientDisconnected, ProtocolError, type WebSocketReceiveEventAny } from "@sluice/core";
import { WebSocket } from "ws";
import {
  closeOf,
  connect,
  deferred,
  echoApp,
  nextMessage,
  recordingLogger,
  startServer,
  websocketApp,
  type TestServer,
} from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An app that accepts, then records every event until disconnect. */
function recordingApp(): { app: ReturnType<typeof websocketApp>; events: WebSocketReceiveEventAny[]; done: Promise<void> } {
  const events: WebSocketReceiveEventAny[] = [];
  const finished = deferred();
  const app = websocketApp(async (_scope, receive, send) => {
    await receive();
    await send({ type: "websocket.accept" });
    for (;;) {
      const event = await receive();
      events.push(event);
      if (event.type === "websocket.disconnect") break;
    }
    finished.resolve();
  });
  return { app, events, done: finished.promise };
}

describe("messages after accept", () => {
  it("echoes a text message as a string", async () => {
    server = await startServer(echoApp);
    const client = await connect(server.url);
    const reply = nextMessage(client);
    client.send("héllo");
    const { data, isBinary } = await reply;
    expect(isBinary).toBe(false);
    expect(data.toString()).toBe("héllo");
    client.close();
  });

  it("echoes a binary message as bytes", async () => {
    server = await startServer(echoApp);
    const client = await connect(server.url);
    const reply = nextMessage(client);
    client.send(Buffer.from([0, 1, 2, 255]));
    const { data, isBinary } = await reply;
    expect(isBinary).toBe(true);
    expect([...data]).toEqual([0, 1, 2, 255]);
    client.close();
  });

  it("delivers text as a string and binary as a Uint8Array, one event per complete message", async () => {
    const { app, events, done } = recordingApp();
    server = await startServer(app);
    const client = await connect(server.url);
    client.send("part one + ", { fin: false });
    client.send("part two", { fin: true });
    client.send(Buffer.from("bin"), { binary: true, fin: false });
    client.send(Buffer.from("ary"), { binary: true, fin: true });
    client.close(1000);
    await done;
    expect(events[0]).toEqual({ type: "websocket.receive", text: "part one + part two" });
    const binary = events[1];
    expect(binary?.type).toBe("websocket.receive");
    const bytes = (binary as { bytes: Uint8Array }).bytes;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).toString()).toBe("binary");
    expect(events).toHaveLength(3);
  });

  it("gives the app the client's close code and reason in websocket.disconnect", async () => {
    const { app, events, done } = recordingApp();
    server = await startServer(app);
    const client = await connect(server.url);
    client.close(4321, "bye now");
    await done;
    expect(events.at(-1)).toEqual({ type: "websocket.disconnect", code: 4321, reason: "bye now" });
  });

  it("reports code 1005 when the client's close frame carries no code", async () => {
    const { app, events, done } = recordingApp();
    server = await startServer(app);
    const client = await connect(server.url);
    client.close();
    await done;
    expect(events.at(-1)).toEqual({ type: "websocket.disconnect", code: 1005, reason: "" });
  });

  it("reports code 1006 when the client drops the connection without a close frame", async () => {
    const { app, events, done } = recordingApp();
    server = await startServer(app);
    const client = await connect(server.url);
    client.terminate();
    await done;
    expect(events.at(-1)).toEqual({ type: "websocket.disconnect", code: 1006, reason: "" });
    expect(server.handler.size).toBe(0);
  });

  it("closes with the app's code and reason, and the app then receives the disconnect", async () => {
    const after = deferred<WebSocketReceiveEventAny>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await send({ type: "websocket.close", code: 4000, reason: "room is full" });
        after.resolve(await receive());
      }),
    );
    const client = await connect(server.url);
    expect(await closeOf(client)).toEqual({ code: 4000, reason: "room is full" });
    expect(await after.promise).toEqual({ type: "websocket.disconnect", code: 4000, reason: "room is full" });
  });

  it("closes with 1000 when the app sends websocket.close without a code", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await send({ type: "websocket.close" });
      }),
    );
    const client = await connect(server.url);
    expect(await closeOf(client)).toEqual({ code: 1000, reason: "" });
  });

  it("rejects send() after the client closed with ClientDisconnected", async () => {
    const result = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await receive(); // the disconnect
        result.resolve(await send({ type: "websocket.send", text: "late" }).catch((error: unknown) => error));
      }),
    );
    const client = await connect(server.url);
    client.close(1000);
    expect(await result.promise).toBeInstanceOf(ClientDisconnected);
  });

  it("rejects send() after the app's own close with ClientDisconnected", async () => {
    const result = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await send({ type: "websocket.close" });
        result.resolve(await send({ type: "websocket.send", text: "late" }).catch((error: unknown) => error));
      }),
    );
    const client = await connect(server.url);
    expect(await result.promise).toBeInstanceOf(ClientDisconnected);
    await closeOf(client);
  });

  it("keeps returning websocket.disconnect once the connection is closed", async () => {
    const result = deferred<WebSocketReceiveEventAny[]>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        result.resolve([await receive(), await receive()]);
      }),
    );
    const client = await connect(server.url);
    client.close(1001);
    const [first, second] = await result.promise;
    expect(first).toEqual({ type: "websocket.disconnect", code: 1001, reason: "" });
    expect(second).toEqual(first);
  });

  it("closes with 1000 when the app returns after accepting", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
      }),
    );
    const client = new WebSocket(server.url);
    expect(await closeOf(client)).toEqual({ code: 1000, reason: "" });
  });

  it("closes with 1011 and logs the error when the app throws after accepting", async () => {
    const logger = recordingLogger();
    const failure = new Error("handler crashed");
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await receive();
        throw failure;
      }),
      { logger },
    );
    const client = await connect(server.url);
    client.send("trigger");
    expect((await closeOf(client)).code).toBe(1011);
    expect((await logger.nextError()).error).toBe(failure);
  });

  it("does not log ClientDisconnected escaping the app", async () => {
    const logger = recordingLogger();
    const settled = deferred();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        await receive();
        try {
          await send({ type: "websocket.send", text: "late" });
        } finally {
          settled.resolve();
        }
      }),
      { logger },
    );
    const client = await connect(server.url);
    client.close();
    await settled.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.errors).toEqual([]);
  });

  it("rejects malformed send events with a ProtocolError naming the rule", async () => {
    const errors = deferred<unknown[]>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        const attempts: unknown[] = [];
        const bad: unknown[] = [
          { type: "websocket.send" },
          { type: "websocket.send", text: "a", bytes: new Uint8Array(1) },
          { type: "websocket.send", bytes: "not bytes" },
          { type: "websocket.accept" },
          { type: "http.response.start", status: 200 },
          { type: "websocket.close", code: 1006 },
          { type: "websocket.close", code: 1000, reason: "x".repeat(124) },
          undefined,
        ];
        for (const event of bad) {
          attempts.push(await send(event as never).catch((error: unknown) => error));
        }
        errors.resolve(attempts);
        await send({ type: "websocket.close" });
      }),
    );
    const client = await connect(server.url);
    const results = await errors.promise;
    const rules = results.map((error) => (error instanceof ProtocolError ? error.rule : String(error)));
    expect(rules).toEqual([
      "websocket-message-payload",
      "websocket-message-payload",
      "websocket-message-payload",
      "websocket-accept-once",
      "websocket-event-type",
      "websocket-close-code",
      "websocket-close-reason",
      "websocket-event-type",
    ]);
    expect((await closeOf(client)).code).toBe(1000);
  });
});
