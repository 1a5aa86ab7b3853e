import { afterEach, describe, expect, it } from "vitest";
import type { WebSocketScope } from "@sluice/core";
import type { WebSocket } from "ws";
import { connect, startServer, websocketApp, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
let clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients) client.terminate();
  clients = [];
  await server?.close();
  server = undefined;
});

/**
 * Opens `count` connections (offering `protocols`) to an app that keeps each scope untouched
 * (it reads nothing but `type`) and accepts; resolves with the scopes in connection order.
 */
async function scopesOf(count: number, protocols: string[] = []): Promise<WebSocketScope[]> {
  const scopes: WebSocketScope[] = [];
  server = await startServer(
    websocketApp(async (scope, receive, send) => {
      scopes.push(scope);
      await receive();
      await send({ type: "websocket.accept", subprotocol: protocols[0] ?? null });
      await receive();
    }),
  );
  for (let i = 0; i < count; i++) clients.push(await connect(`${server.url}/room`, protocols));
  return scopes;
}

/** The local port of a client's socket: the port in the server's `scope.client`. */
function localPortOf(client: WebSocket | undefined): number | undefined {
  return (client as unknown as { _socket: { localPort: number } } | undefined)?._socket.localPort;
}

describe("the scope's lazily built keys", () => {
  it("builds scope.headers when first read, then keeps that same list as a plain data property", async () => {
    const [scope] = (await scopesOf(1)) as [WebSocketScope];
    const before = Object.getOwnPropertyDescriptor(scope, "headers") ?? {};
    expect(Object.keys(before).sort()).toEqual(["configurable", "enumerable", "get", "set"]);
    expect(before).toMatchObject({ enumerable: true, configurable: true });
    const headers = scope.headers;
    expect(headers).toContainEqual(["upgrade", "websocket"]);
    expect(headers).toContainEqual(["sec-websocket-version", "13"]);
    expect(Object.getOwnPropertyDescriptor(scope, "headers")).toEqual({ value: headers, writable: true, enumerable: true, configurable: true });
    expect(scope.headers).toBe(headers);
  });

  it("keeps what the app assigns to scope.headers before reading it", async () => {
    const [scope] = (await scopesOf(1)) as [WebSocketScope];
    const replaced: WebSocketScope["headers"] = [["x-replaced", "1"]];
    scope.headers = replaced;
    expect(scope.headers).toBe(replaced);
    expect(Object.getOwnPropertyDescriptor(scope, "headers")).toEqual({ value: replaced, writable: true, enumerable: true, configurable: true });
  });

  it("copies headers, client and extensions as values into a spread of the scope", async () => {
    const [scope] = (await scopesOf(1)) as [WebSocketScope];
    const copy = { ...scope, path: "/elsewhere" };
    expect(Object.getOwnPropertyDescriptor(copy, "headers")?.value).toContainEqual(["upgrade", "websocket"]);
    expect(Object.getOwnPropertyDescriptor(copy, "client")?.value).toEqual(["127.0.0.1", localPortOf(clients[0])]);
    expect(Object.getOwnPropertyDescriptor(copy, "extensions")?.value).toEqual({ "websocket.http.response": {} });
    expect(copy.headers).toBe(scope.headers);
  });

  it("reads the same headers, client and extensions each time from a scope frozen before they were read", async () => {
    const [scope] = (await scopesOf(1)) as [WebSocketScope];
    Object.freeze(scope);
    expect(scope.headers).toContainEqual(["upgrade", "websocket"]);
    expect(scope.headers).toBe(scope.headers);
    expect(scope.client).toEqual(["127.0.0.1", localPortOf(clients[0])]);
    expect(scope.client).toBe(scope.client);
    expect(scope.extensions).toEqual({ "websocket.http.response": {} });
    expect(scope.extensions).toBe(scope.extensions);
  });

  it("builds the keys on the scope itself when read through an object that inherits from it", async () => {
    const [scope] = (await scopesOf(1)) as [WebSocketScope];
    const child = Object.create(scope) as WebSocketScope;
    const headers = child.headers;
    expect(Object.hasOwn(child, "headers")).toBe(false);
    expect(scope.headers).toBe(headers);
  });

  it("gives each scope a client address array of its own, which the app may change", async () => {
    const [first, second] = (await scopesOf(2)) as [WebSocketScope, WebSocketScope];
    const ports = clients.map(localPortOf);
    expect(first.client).toEqual(["127.0.0.1", ports[0]]);
    (first.client as [string, number])[1] = 1;
    expect(first.client).toEqual(["127.0.0.1", 1]);
    expect(second.client).toEqual(["127.0.0.1", ports[1]]);
  });

  it("gives each scope an extensions object of its own, which the app may change", async () => {
    const [first, second] = (await scopesOf(2)) as [WebSocketScope, WebSocketScope];
    (first.extensions as Record<string, object>)["x.added"] = {};
    expect(first.extensions).toEqual({ "websocket.http.response": {}, "x.added": {} });
    expect(second.extensions).toEqual({ "websocket.http.response": {} });
  });
});

describe("the scope's shared values", () => {
  it("shares one frozen server address between the scopes of connections to the same listener", async () => {
    const [first, second] = (await scopesOf(2)) as [WebSocketScope, WebSocketScope];
    expect(first.server).toEqual(["127.0.0.1", server?.port]);
    expect(second.server).toBe(first.server);
    expect(Object.isFrozen(first.server)).toBe(true);
  });

  it("shares one frozen subprotocol list between the scopes of clients that offered the same subprotocols", async () => {
    const [first, second] = (await scopesOf(2, ["chat.v2", "chat.v1"])) as [WebSocketScope, WebSocketScope];
    expect(first.subprotocols).toEqual(["chat.v2", "chat.v1"]);
    expect(second.subprotocols).toBe(first.subprotocols);
    expect(Object.isFrozen(first.subprotocols)).toBe(true);
  });

  it("gives a frozen empty subprotocol list when the client offered none", async () => {
    const [scope] = (await scopesOf(1)) as [WebSocketScope];
    expect(scope.subprotocols).toEqual([]);
    expect(Object.isFrozen(scope.subprotocols)).toBe(true);
  });
});
