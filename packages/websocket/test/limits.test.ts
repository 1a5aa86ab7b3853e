import { afterEach, describe, expect, it } from "vitest";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { closeOf, connect, deferred, disconnectApp, echoApp, frame, nextMessage, rawUpgrade, readCloseFrame, startServer, waitUntil, websocketApp, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});


describe("limits and protocol errors", () => {
  it("closes with 1009 when a message is larger than maxSize", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app, { maxSize: 1024 });
    const client = await connect(server.url);
    const closed = closeOf(client);
    client.send(Buffer.alloc(1025));
    expect((await closed).code).toBe(1009);
    expect(await disconnect).toMatchObject({ type: "websocket.disconnect", code: 1009 });
  });

  it("accepts a message of exactly maxSize bytes", async () => {
    const received = deferred<number>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        const event = await receive();
        received.resolve(event.type === "websocket.receive" ? (event.bytes?.byteLength ?? -1) : -1);
        await receive();
      }),
      { maxSize: 1024 },
    );
    const client = await connect(server.url);
    client.send(Buffer.alloc(1024));
    expect(await received.promise).toBe(1024);
    client.close();
  });

  it("uses a 16 MiB maximum message size by default", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app);
    const client = await connect(server.url);
    const closed = closeOf(client);
    client.send(Buffer.alloc(16 * 1024 * 1024 + 1));
    expect((await closed).code).toBe(1009);
    expect(await disconnect).toMatchObject({ code: 1009 });
  });

  it("closes with 1007 when a text frame is not valid UTF-8 (raw frame)", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app);
    const { socket, head } = await rawUpgrade(server.port);
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    socket.write(frame(0x1, Buffer.from([0x68, 0x69, 0xff, 0xfe])));
    expect(await readCloseFrame(socket)).toBe(1007);
    expect(await disconnect).toMatchObject({ code: 1007 });
    socket.destroy();
  });

  it("closes with 1002 when the client sends an unmasked frame, and keeps serving others", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app);
    const { socket } = await rawUpgrade(server.port);
    socket.write(frame(0x1, Buffer.from("hi"), { masked: false }));
    expect(await readCloseFrame(socket)).toBe(1002);
    expect(await disconnect).toMatchObject({ code: 1002 });
    socket.destroy();
    const client = await connect(server.url);
    client.close();
  });

  it("closes with 1002 on a reserved opcode and on a continuation frame without a start", async () => {
    server = await startServer(disconnectApp().app);
    const reserved = await rawUpgrade(server.port);
    reserved.socket.write(frame(0x3, Buffer.from("x")));
    expect(await readCloseFrame(reserved.socket)).toBe(1002);
    reserved.socket.destroy();
    const stray = await rawUpgrade(server.port);
    stray.socket.write(frame(0x0, Buffer.from("x")));
    expect(await readCloseFrame(stray.socket)).toBe(1002);
    stray.socket.destroy();
  });

  it("survives garbage bytes and an abrupt reset after the upgrade", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app);
    const { socket } = await rawUpgrade(server.port);
    socket.write(Buffer.from("GET / HTTP/1.1\r\n\r\nthis is not a websocket frame"));
    socket.resetAndDestroy();
    const event = await disconnect;
    expect(event.type).toBe("websocket.disconnect");
    const client = await connect(server.url);
    client.close();
  });

  it("survives 50 connections sending random bytes after the upgrade and keeps echoing", async () => {
    server = await startServer(echoApp, { maxSize: 64 * 1024 });
    const port = server.port;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const { socket } = await rawUpgrade(port);
        socket.on("error", () => {});
        socket.resume();
        socket.write(randomBytes(4096));
        socket.end();
        await once(socket, "close");
      }),
    );
    const client = await connect(server.url);
    const reply = nextMessage(client);
    client.send("still here");
    expect((await reply).data.toString()).toBe("still here");
    // Every garbage connection is cleaned up: only the echo client remains.
    const handler = server.handler;
    await waitUntil(() => handler.size === 1, 10_000, "the garbage connections to be released");
    client.close();
  });

  it("rejects out-of-range options with a WebSocketOptionError naming the option", async () => {
    const { createWebSocketHandler, WebSocketOptionError } = await import("../src/index.js");
    expect(() => createWebSocketHandler(async () => {}, { maxSize: -1 })).toThrow(WebSocketOptionError);
    expect(() => createWebSocketHandler(async () => {}, { pingTimeout: 0 })).toThrow(/pingTimeout/);
    try {
      createWebSocketHandler(async () => {}, { receiveQueueMessages: Number.NaN });
    } catch (error) {
      expect(error).toMatchObject({ code: "ERR_WEBSOCKET_OPTION", option: "receiveQueueMessages" });
    }
  });
});
