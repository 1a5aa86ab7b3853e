import { ClientDisconnected } from "@sluice/core";
import type { App, WebSocketReceive, WebSocketScope, WebSocketSend } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { encoder } from "../test/apps.js";
import { TestTimeoutError, UnexpectedEventError, WebSocketClosed, WebSocketDenied } from "./errors.js";
import { deferred } from "./internal/deferred.js";
import { TestClient } from "./test-client.js";

/** Accepts with the last offered subprotocol, then echoes every message until disconnect. */
const echo: App = async (scope, receive, send) => {
  if (scope.type !== "websocket") return;
  await (receive as WebSocketReceive)();
  await (send as WebSocketSend)({ type: "websocket.accept", subprotocol: scope.subprotocols.at(-1) ?? null, headers: [["x-room", "lobby"]] });
  for (;;) {
    const event = await (receive as WebSocketReceive)();
    if (event.type !== "websocket.receive") return;
    if (event.text === "close") return (send as WebSocketSend)({ type: "websocket.close", code: 4001, reason: "asked to" });
    await (send as WebSocketSend)(event.text !== undefined && event.text !== null ? { type: "websocket.send", text: event.text } : { type: "websocket.send", bytes: event.bytes ?? null });
  }
};

describe("TestClient WebSocket sessions", () => {
  it("exchanges text, bytes and JSON messages with the app", async () => {
    const ws = await new TestClient(echo).websocket("/ws");
    ws.sendText("hi");
    expect(await ws.receiveText()).toBe("hi");
    ws.sendBytes(new Uint8Array([1, 2, 3]));
    expect(await ws.receiveBytes()).toEqual(new Uint8Array([1, 2, 3]));
    ws.sendJson({ n: 1 });
    expect(await ws.receiveJson()).toEqual({ n: 1 });
    await ws.close();
  });

  it("offers subprotocols and exposes the accepted one and the accept headers", async () => {
    let offered: string[] = [];
    const app: App = async (scope, receive, send) => {
      offered = (scope as WebSocketScope).subprotocols;
      await echo(scope, receive, send);
    };
    const ws = await new TestClient(app).websocket("/ws", { subprotocols: ["v1", "v2"] });
    expect(offered).toEqual(["v1", "v2"]);
    expect(ws.subprotocol).toBe("v2");
    expect(ws.headers).toEqual([["x-room", "lobby"]]);
    await ws.close();
  });

  it("builds a websocket scope with the handshake headers and ws scheme", async () => {
    const seen = deferred<WebSocketScope>();
    const app: App = async (scope, receive, send) => {
      seen.resolve(scope as WebSocketScope);
      await echo(scope, receive, send);
    };
    const ws = await new TestClient(app).websocket("/chat", { headers: { Cookie: "s=1" }, query: { room: "a" } });
    const scope = await seen.promise;
    expect(scope.scheme).toBe("ws");
    expect(scope.path).toBe("/chat");
    expect(scope.query_string).toBe("room=a");
    expect(scope.headers).toContainEqual(["upgrade", "websocket"]);
    expect(scope.headers).toContainEqual(["cookie", "s=1"]);
    await ws.close();
  });

  it("records the app's close code and reason and throws WebSocketClosed on receive", async () => {
    const ws = await new TestClient(echo).websocket("/ws");
    ws.sendText("close");
    const error = await ws.receiveText().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketClosed);
    expect((error as WebSocketClosed).closeCode).toBe(4001);
    expect(ws.closeCode).toBe(4001);
    expect(ws.closeReason).toBe("asked to");
  });

  it("receiveClose returns the app's close code and reason", async () => {
    const ws = await new TestClient(echo).websocket("/ws");
    ws.sendText("close");
    expect(await ws.receiveClose()).toEqual({ code: 4001, reason: "asked to" });
  });

  it("close(code, reason) delivers websocket.disconnect with them and later sends reject", async () => {
    const outcome = deferred<{ code: number; reason: string; sendError: unknown }>();
    const app: App = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.accept" });
      const event = await receive();
      if (event.type !== "websocket.disconnect") throw new Error(`unexpected ${event.type}`);
      const sendError = await send({ type: "websocket.send", text: "late" }).catch((e: unknown) => e);
      outcome.resolve({ code: event.code, reason: event.reason, sendError });
    };
    const ws = await new TestClient(app).websocket("/ws");
    await ws.close(4002, "bye");
    const { code, reason, sendError } = await outcome.promise;
    expect([code, reason]).toEqual([4002, "bye"]);
    expect(sendError).toBeInstanceOf(ClientDisconnected);
  });

  it("rejects with WebSocketDenied status 403 when the app closes before accepting", async () => {
    const app: App = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.close", code: 1008 });
    };
    const error = await new TestClient(app).websocket("/ws").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketDenied);
    expect((error as WebSocketDenied).status).toBe(403);
  });

  it("exposes a denial response's status, headers and body", async () => {
    const app: App = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.http.response.start", status: 401, headers: [["www-authenticate", "Bearer"]] });
      await send({ type: "websocket.http.response.body", body: encoder.encode("log in"), more_body: true });
      await send({ type: "websocket.http.response.body", body: encoder.encode(" first") });
    };
    const error = (await new TestClient(app).websocket("/ws").catch((e: unknown) => e)) as WebSocketDenied;
    expect(error.status).toBe(401);
    expect(error.headers).toEqual([["www-authenticate", "Bearer"]]);
    expect(error.text()).toBe("log in first");
  });

  it("receiveText rejects a binary message with UnexpectedEventError", async () => {
    const ws = await new TestClient(echo).websocket("/ws");
    ws.sendBytes(new Uint8Array([9]));
    await expect(ws.receiveText()).rejects.toBeInstanceOf(UnexpectedEventError);
    await ws.close();
  });

  it("times out receive with a TestTimeoutError naming websocket.send", async () => {
    const ws = await new TestClient(echo, { timeoutMs: 40 }).websocket("/ws");
    const error = await ws.receive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestTimeoutError);
    expect((error as Error).message).toContain("websocket.send");
    await ws.close();
  });

  it("rethrows an error the app throws before accepting", async () => {
    const app: App = () => Promise.reject(new Error("handshake exploded"));
    await expect(new TestClient(app).websocket("/ws")).rejects.toThrow("handshake exploded");
  });
});
