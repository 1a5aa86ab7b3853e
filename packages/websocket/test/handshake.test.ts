import { afterEach, describe, expect, it } from "vitest";
import { ClientDisconnected, ProtocolError, type WebSocketScope } from "@sluice/core";
import type { WebSocketReceiveEventAny } from "@sluice/core";
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import {
  closeOf,
  connect,
  deferred,
  rawExchange,
  recordingLogger,
  refusedAnswer,
  startServer,
  waitUntil,
  websocketApp,
  type TestServer,
} from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the websocket scope", () => {
  it("describes the upgrade request: decoded path, raw path, query, lowercased headers, addresses and scheme", async () => {
    const seen = deferred<WebSocketScope>();
    server = await startServer(
      websocketApp(async (scope, receive, send) => {
        seen.resolve(scope);
        await receive();
        await send({ type: "websocket.accept" });
      }),
    );
    const client = await connect(`${server.url}/caf%C3%A9/room?x=1&y=%20`, [], { headers: { "X-Trace-Id": "abc" } });
    const scope = await seen.promise;
    expect(scope.type).toBe("websocket");
    expect(scope.asgi).toEqual({ version: "3.0", spec_version: "2.5" });
    expect(scope.http_version).toBe("1.1");
    expect(scope.scheme).toBe("ws");
    expect(scope.path).toBe("/café/room");
    expect(scope.raw_path).toBe("/caf%C3%A9/room");
    expect(scope.query_string).toBe("x=1&y=%20");
    expect(scope.root_path).toBe("");
    expect(scope.headers).toContainEqual(["x-trace-id", "abc"]);
    expect(scope.headers).toContainEqual(["upgrade", "websocket"]);
    expect(scope.client?.[0]).toBe("127.0.0.1");
    expect(scope.client?.[1]).toBe((client as unknown as { _socket: { localPort: number } })._socket.localPort);
    expect(scope.server).toEqual(["127.0.0.1", server.port]);
    expect(scope.subprotocols).toEqual([]);
    expect(scope.extensions).toEqual({ "websocket.http.response": {} });
    expect(scope.state).toBeUndefined();
    client.close();
  });

  it("lists the subprotocols the client offered, in order", async () => {
    const seen = deferred<string[]>();
    server = await startServer(
      websocketApp(async (scope, receive, send) => {
        seen.resolve(scope.subprotocols);
        await receive();
        await send({ type: "websocket.accept", subprotocol: scope.subprotocols[1] });
        await receive();
      }),
    );
    const client = await connect(server.url, ["chat.v2", "chat.v1"]);
    expect(await seen.promise).toEqual(["chat.v2", "chat.v1"]);
    expect(client.protocol).toBe("chat.v1");
    client.close();
  });

  it("applies overrides for client, server, scheme, root path, state and extensions", async () => {
    const seen = deferred<WebSocketScope>();
    const app = websocketApp(async (scope, receive, send) => {
      seen.resolve(scope);
      await receive();
      await send({ type: "websocket.accept" });
    });
    server = await startServer(app);
    const state = { db: "shared" };
    server.http.removeAllListeners("upgrade");
    server.http.on("upgrade", (req, socket, head) => {
      server?.handler.handleUpgrade(req, socket, head, {
        client: ["203.0.113.9", 4444],
        server: ["/run/app.sock", null],
        scheme: "wss",
        root_path: "/api",
        state,
        extensions: { "x.custom": { on: true } },
      });
    });
    const client = await connect(`${server.url}/chat`);
    const scope = await seen.promise;
    expect(scope.client).toEqual(["203.0.113.9", 4444]);
    expect(scope.server).toEqual(["/run/app.sock", null]);
    expect(scope.scheme).toBe("wss");
    expect(scope.root_path).toBe("/api");
    expect(scope.path).toBe("/api/chat");
    expect(scope.raw_path).toBe("/chat");
    expect(scope.state).toEqual({ db: "shared" });
    expect(scope.state).not.toBe(state);
    expect(scope.extensions).toEqual({ "websocket.http.response": {}, "x.custom": { on: true } });
    client.close();
  });

  it("gives every connection its own headers list, so an app changing one leaves the next connection's alone", async () => {
    const scopes: WebSocketScope[] = [];
    server = await startServer(
      websocketApp(async (scope, receive, send) => {
        scopes.push(scope);
        await receive();
        if (scopes.length === 1) {
          for (const pair of scope.headers) if (pair[0] === "upgrade") pair[1] = "changed";
          scope.headers.push(["x-added", "1"]);
        }
        await send({ type: "websocket.accept" });
        await receive();
      }),
    );
    const first = await connect(`${server.url}/same`);
    const second = await connect(`${server.url}/same`);
    expect(scopes[0]?.headers).toContainEqual(["upgrade", "changed"]);
    expect(scopes[1]?.headers).toContainEqual(["upgrade", "websocket"]);
    expect(scopes[1]?.headers).not.toContainEqual(["x-added", "1"]);
    expect(scopes[1]?.headers).toHaveLength((scopes[0]?.headers.length ?? 0) - 1);
    first.close();
    second.close();
  });

  it("leaves the socket's own remote and local address readable after building the scope", async () => {
    const seen = deferred<WebSocketScope>();
    server = await startServer(
      websocketApp(async (scope, receive, send) => {
        seen.resolve(scope);
        await receive();
        await send({ type: "websocket.accept" });
        await receive();
      }),
    );
    const client = await connect(server.url);
    const scope = await seen.promise;
    const socket = server.sockets[0] as Socket;
    expect([socket.remoteAddress, socket.remotePort]).toEqual(scope.client);
    expect([socket.localAddress, socket.localPort]).toEqual(scope.server);
    expect(scope.client).toEqual(["127.0.0.1", (client as unknown as { _socket: Socket })._socket.localPort]);
    client.close();
  });

  it("answers 400 without calling the app when the path is not valid percent-encoded UTF-8", async () => {
    let called = false;
    server = await startServer(() => {
      called = true;
      return Promise.resolve();
    });
    const answer = await refusedAnswer(`${server.url}/bad%ZZpath`);
    expect(answer.status).toBe(400);
    const utf8 = await refusedAnswer(`${server.url}/bad%FFpath`);
    expect(utf8.status).toBe(400);
    expect(called).toBe(false);
  });

  it("answers 400 without calling the app when the handshake lacks Sec-WebSocket-Key", async () => {
    let called = false;
    server = await startServer(() => {
      called = true;
      return Promise.resolve();
    });
    const answer = await rawExchange(
      server.port,
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(called).toBe(false);
  });
});

describe("answering the handshake", () => {
  it("delivers websocket.connect first and completes the upgrade on websocket.accept", async () => {
    const first = deferred<WebSocketReceiveEventAny>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        first.resolve(await receive());
        await send({ type: "websocket.accept" });
        await receive();
      }),
    );
    const client = await connect(server.url);
    expect(await first.promise).toEqual({ type: "websocket.connect" });
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it("delivers the same frozen websocket.connect event to every connection", async () => {
    const events: WebSocketReceiveEventAny[] = [];
    const both = deferred();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        events.push(await receive());
        if (events.length === 2) both.resolve();
        await send({ type: "websocket.accept" });
        await receive();
      }),
    );
    const clients = [await connect(server.url), await connect(server.url)];
    await both.promise;
    expect(events[0]).toEqual({ type: "websocket.connect" });
    expect(events[1]).toBe(events[0]);
    expect(Object.isFrozen(events[0])).toBe(true);
    for (const client of clients) client.close();
  });

  it("answers 101 with the chosen subprotocol and the extra headers of websocket.accept", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept", subprotocol: "chat.v1", headers: [["x-room", "lobby"], ["set-cookie", "a=1"]] });
      }),
    );
    const client = new WebSocket(server.url, ["chat.v2", "chat.v1"]);
    const [response] = await Promise.all([
      new Promise<import("node:http").IncomingMessage>((resolve) => client.once("upgrade", resolve)),
      new Promise((resolve) => client.once("open", resolve)),
    ]);
    expect(response.statusCode).toBe(101);
    expect(response.headers["x-room"]).toBe("lobby");
    expect(response.headers["set-cookie"]).toEqual(["a=1"]);
    expect(client.protocol).toBe("chat.v1");
    client.close();
  });

  it("answers 403 when the app closes before accepting, and the app then receives a disconnect", async () => {
    const after = deferred<WebSocketReceiveEventAny>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.close", code: 4003 });
        after.resolve(await receive());
      }),
    );
    const answer = await refusedAnswer(server.url);
    expect(answer.status).toBe(403);
    expect(await after.promise).toEqual({ type: "websocket.disconnect", code: 1006, reason: "" });
  });

  it("sends the app's denial response with its status, headers and streamed body", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.http.response.start", status: 401, headers: [["content-type", "text/plain"], ["www-authenticate", "Bearer"]] });
        await send({ type: "websocket.http.response.body", body: Buffer.from("login "), more_body: true });
        await send({ type: "websocket.http.response.body", body: Buffer.from("first"), more_body: false });
      }),
    );
    const answer = await refusedAnswer(server.url);
    expect(answer.status).toBe(401);
    expect(answer.headers["www-authenticate"]).toBe("Bearer");
    expect(answer.headers["content-type"]).toBe("text/plain");
    expect(answer.body).toBe("login first");
  });

  it("gives a single-chunk denial response a content-length", async () => {
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.http.response.start", status: 429 });
        await send({ type: "websocket.http.response.body", body: Buffer.from("slow down") });
      }),
    );
    const answer = await refusedAnswer(server.url);
    expect(answer.status).toBe(429);
    expect(answer.headers["content-length"]).toBe("9");
    expect(answer.body).toBe("slow down");
  });

  it("answers 500 and logs the error when the app throws before answering", async () => {
    const logger = recordingLogger();
    const failure = new Error("boom");
    server = await startServer(
      websocketApp(async (_scope, receive) => {
        await receive();
        throw failure;
      }),
      { logger },
    );
    const answer = await refusedAnswer(server.url);
    expect(answer.status).toBe(500);
    expect((await logger.nextError()).error).toBe(failure);
  });

  it("answers 500 and logs when the app returns without answering", async () => {
    const logger = recordingLogger();
    server = await startServer(
      websocketApp(async (_scope, receive) => {
        await receive();
      }),
      { logger },
    );
    const answer = await refusedAnswer(server.url);
    expect(answer.status).toBe(500);
    expect((await logger.nextError()).message).toMatch(/returned without answering the handshake/);
  });

  it("rejects accepting a subprotocol the client did not offer with a ProtocolError (and the client gets 500)", async () => {
    const logger = recordingLogger();
    const rejection = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept", subprotocol: "other" }).catch((error: unknown) => {
          rejection.resolve(error);
          throw error;
        });
      }),
      { logger },
    );
    const answer = await refusedAnswer(server.url, ["chat.v1"]);
    expect(answer.status).toBe(500);
    const error = await rejection.promise;
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe("websocket-subprotocol");
  });

  it("rejects accept headers that would break the response or that the server manages", async () => {
    const errors: unknown[] = [];
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        for (const headers of [[["x-bad", "a\r\nInjected: 1"]], [["bad name", "v"]], [["sec-websocket-accept", "x"]]] as Array<Array<[string, string]>>) {
          await send({ type: "websocket.accept", headers }).catch((error: unknown) => errors.push(error));
        }
        await send({ type: "websocket.accept" });
      }),
    );
    const client = await connect(server.url);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect((error as ProtocolError).rule).toBe("websocket-accept-headers");
    client.close();
  });

  it("rejects websocket.send before websocket.accept with a ProtocolError", async () => {
    const rejection = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        rejection.resolve(await send({ type: "websocket.send", text: "too early" }).catch((error: unknown) => error));
        await send({ type: "websocket.close" });
      }),
    );
    expect((await refusedAnswer(server.url)).status).toBe(403);
    expect((await rejection.promise) as ProtocolError).toMatchObject({ code: "ERR_PROTOCOL", rule: "websocket-send-before-accept" });
  });

  it("tells the app the client left during the handshake: disconnect 1006, and accept rejects with ClientDisconnected", async () => {
    const connected = deferred();
    const release = deferred();
    const outcome = deferred<{ event: WebSocketReceiveEventAny; accept: unknown }>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        connected.resolve();
        const event = await receive();
        await release.promise;
        const accept = await send({ type: "websocket.accept" }).catch((error: unknown) => error);
        outcome.resolve({ event, accept });
      }),
    );
    const client = new WebSocket(server.url);
    client.on("error", () => {});
    await connected.promise;
    client.terminate();
    const pending = outcome.promise;
    release.resolve();
    const { event, accept } = await pending;
    expect(event).toEqual({ type: "websocket.disconnect", code: 1006, reason: "" });
    expect(accept).toBeInstanceOf(ClientDisconnected);
  });

  it("does not complete the upgrade when the client is already gone at accept time", async () => {
    const connected = deferred();
    const release = deferred();
    const accepted = deferred<unknown>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        connected.resolve();
        await release.promise;
        accepted.resolve(await send({ type: "websocket.accept" }).catch((error: unknown) => error));
      }),
    );
    const client = new WebSocket(server.url);
    client.on("error", () => {});
    const clientClosed = closeOf(client);
    await connected.promise;
    client.terminate();
    await clientClosed;
    await new Promise((resolve) => server?.sockets[0]?.once("close", resolve));
    release.resolve();
    expect(await accepted.promise).toBeInstanceOf(ClientDisconnected);
    expect(server.handler.size).toBe(0);
  });

  it("forgets a connection whose socket is destroyed just before the app accepts", async () => {
    const outcome = deferred<{ accept: unknown; event: WebSocketReceiveEventAny }>();
    server = await startServer(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        // Destroyed now, its 'close' event still to come when ws sees it and gives up.
        server?.sockets[0]?.destroy();
        const accept = await send({ type: "websocket.accept" }).catch((error: unknown) => error);
        outcome.resolve({ accept, event: await receive() });
      }),
    );
    const client = new WebSocket(server.url);
    client.on("error", () => {});
    const { accept, event } = await outcome.promise;
    expect(accept).toBeInstanceOf(ClientDisconnected);
    expect(event).toEqual({ type: "websocket.disconnect", code: 1006, reason: "" });
    await waitUntil(() => server?.handler.size === 0, 5_000, "the handler to forget the connection");
  });

  it("forgets a connection whose socket was already destroyed when handed over", async () => {
    const seen = deferred<WebSocketReceiveEventAny>();
    server = await startServer(
      websocketApp(async (_scope, receive) => {
        await receive();
        seen.resolve(await receive());
      }),
    );
    const handler = server.handler;
    server.http.removeAllListeners("upgrade");
    server.http.on("upgrade", (req, socket, head: Buffer) => {
      // Handed over only after the socket's 'close' event has already been emitted.
      socket.once("close", () => {
        handler.handleUpgrade(req, socket, head);
      });
      socket.destroy();
    });
    const client = new WebSocket(server.url);
    client.on("error", () => {});
    await closeOf(client);
    await waitUntil(() => handler.size === 0, 5_000, "the handler to forget the connection");
    expect(await seen.promise).toEqual({ type: "websocket.disconnect", code: 1006, reason: "" });
  });
});

