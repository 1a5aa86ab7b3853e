// Integration through @sluice/server's serve(), which wires this package's handler in.
// @sluice/server depends on this package, so it is loaded from its build output (the
// monorepo builds every package before testing) instead of being declared as a dependency.
import { afterEach, describe, expect, it } from "vitest";
import type { App, WebSocketReceiveEventAny, WebSocketScope } from "@sluice/core";
import { closeOf, connect, deferred, nextMessage, websocketApp } from "./helpers.js";

interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
type Serve = (app: App, options: Record<string, unknown>) => Promise<RunningServer>;

async function loadServe(): Promise<Serve> {
  const url = new URL("../../server/dist/index.js", import.meta.url);
  const module = (await import(url.href)) as { serve?: Serve };
  if (typeof module.serve !== "function") throw new Error("packages/server/dist does not export serve(); build @sluice/server first");
  return module.serve;
}

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(app: App, options: Record<string, unknown> = {}): Promise<RunningServer> {
  const serve = await loadServe();
  running = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "critical", ...options });
  return running;
}

describe("through serve()", () => {
  it("echoes messages and builds the scope from the server's view of the connection", async () => {
    const seen = deferred<WebSocketScope>();
    const server = await start(
      websocketApp(async (scope, receive, send) => {
        seen.resolve(scope);
        await receive();
        await send({ type: "websocket.accept", subprotocol: "v1" });
        for (;;) {
          const event = await receive();
          if (event.type !== "websocket.receive") return;
          await send({ type: "websocket.send", text: `echo: ${event.text ?? ""}` });
        }
      }),
    );
    const client = await connect(`${server.url.replace(/^http/, "ws")}/room/1?x=y`, ["v1"]);
    const reply = nextMessage(client);
    client.send("hi");
    expect((await reply).data.toString()).toBe("echo: hi");
    const scope = await seen.promise;
    expect(scope.path).toBe("/room/1");
    expect(scope.query_string).toBe("x=y");
    expect(scope.scheme).toBe("ws");
    expect(scope.server).toEqual(["127.0.0.1", server.port]);
    expect(scope.client?.[0]).toBe("127.0.0.1");
    expect(scope.subprotocols).toEqual(["v1"]);
    expect(scope.extensions?.["websocket.http.response"]).toEqual({});
    expect(client.protocol).toBe("v1");
    client.close();
  });

  it("closes open WebSockets with 1012 when the server shuts down, and the app gets the disconnect", async () => {
    const disconnect = deferred<WebSocketReceiveEventAny>();
    const server = await start(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        for (;;) {
          const event = await receive();
          if (event.type === "websocket.disconnect") {
            disconnect.resolve(event);
            return;
          }
        }
      }),
    );
    const client = await connect(server.url.replace(/^http/, "ws"));
    const closed = closeOf(client);
    await server.close();
    running = undefined;
    expect((await closed).code).toBe(1012);
    expect(await disconnect.promise).toMatchObject({ type: "websocket.disconnect", code: 1012 });
  });

  it("passes wsMaxSize to the handler: a bigger message closes with 1009", async () => {
    const server = await start(
      websocketApp(async (_scope, receive, send) => {
        await receive();
        await send({ type: "websocket.accept" });
        while ((await receive()).type !== "websocket.disconnect");
      }),
      { wsMaxSize: 100 },
    );
    const client = await connect(server.url.replace(/^http/, "ws"));
    const closed = closeOf(client);
    client.send(Buffer.alloc(101));
    expect((await closed).code).toBe(1009);
  });
});
