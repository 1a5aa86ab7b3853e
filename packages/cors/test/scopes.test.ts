import type { App, LifespanScope, Receive, Scope, Send, WebSocketScope } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { cors } from "../src/index.js";

/** An inner app recording exactly what it was called with. */
function recorder(): { app: App; calls: Array<[Scope, Receive, Send]> } {
  const calls: Array<[Scope, Receive, Send]> = [];
  return {
    calls,
    app: (scope, receive, send) => {
      calls.push([scope, receive, send]);
      return Promise.resolve();
    },
  };
}

const receive: Receive = () => Promise.resolve({ type: "websocket.connect" });
const send: Send = () => Promise.resolve();

describe("connections other than http", () => {
  const middleware = cors({ allowOrigins: ["https://app.example.com"], allowCredentials: true });

  it("pass a websocket connection to the app with the same scope, receive and send, even from a disallowed origin", async () => {
    const { app, calls } = recorder();
    const scope: WebSocketScope = {
      type: "websocket",
      asgi: { version: "3.0" },
      http_version: "1.1",
      scheme: "ws",
      path: "/chat",
      raw_path: "/chat",
      query_string: "",
      root_path: "",
      headers: [["origin", "https://evil.example"]],
      client: null,
      server: null,
      subprotocols: [],
    };
    await middleware(app)(scope, receive, send);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe(scope);
    expect(calls[0]![1]).toBe(receive);
    expect(calls[0]![2]).toBe(send);
  });

  it("pass the lifespan connection to the app with the same scope, receive and send", async () => {
    const { app, calls } = recorder();
    const scope: LifespanScope = { type: "lifespan", asgi: { version: "3.0" } };
    await middleware(app)(scope, receive, send);
    expect(calls).toEqual([[scope, receive, send]]);
  });
});
