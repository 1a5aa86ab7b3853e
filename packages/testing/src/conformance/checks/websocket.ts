import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import type { App, WebSocketReceiveEventAny, WebSocketScope, WebSocketSendEventAny } from "@sluice/core";
import type { CheckContext, ConformanceCheck } from "../types.js";
import { deferred, describeError, encoder, isClientDisconnected } from "./helpers.js";

type Opened = { kind: "open"; ws: WebSocket; response: IncomingMessage };
type Denied = { kind: "denied"; status: number; body: string };

/** Connects a `ws` client; resolves when the handshake is answered either way. */
async function connect(ctx: CheckContext, url: string, path: string, protocols: string[] = []): Promise<Opened | Denied> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${path}`, protocols);
  ctx.defer(() => ws.terminate());
  ws.on("error", () => undefined);
  return ctx.wait(
    new Promise<Opened | Denied>((resolve, reject) => {
      let upgrade: IncomingMessage | undefined;
      ws.once("upgrade", (response) => (upgrade = response));
      ws.once("open", () => {
        if (upgrade) resolve({ kind: "open", ws, response: upgrade });
      });
      ws.once("unexpected-response", (_request, response) => {
        const parts: Buffer[] = [];
        response.on("data", (chunk: Buffer) => parts.push(chunk));
        response.on("end", () => resolve({ kind: "denied", status: response.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }));
        response.on("error", reject);
      });
      ws.once("error", (error) => {
        try {
          ctx.fail(`the WebSocket handshake failed in the client: ${error.message}`);
        } catch (stop) {
          reject(stop instanceof Error ? stop : new Error(String(stop)));
        }
      });
    }),
    `the WebSocket handshake for ${path}`,
  );
}

function expectOpen(ctx: CheckContext, result: Opened | Denied): Opened {
  if (result.kind === "denied") return ctx.fail(`the handshake was answered with HTTP ${result.status} instead of 101`);
  return result;
}

/** The next message on a client socket. */
function nextMessage(ctx: CheckContext, ws: WebSocket, what: string): Promise<{ data: Buffer; binary: boolean }> {
  return ctx.wait(
    new Promise((resolve) => ws.once("message", (data: Buffer, binary: boolean) => resolve({ data, binary }))),
    what,
  );
}

/** The close code and reason the client saw. */
function closeOf(ctx: CheckContext, ws: WebSocket, what: string): Promise<{ code: number; reason: string }> {
  return ctx.wait(new Promise((resolve) => ws.once("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString("utf8") }))), what);
}

/** A websocket-only app; `handler` gets narrowed callables. */
function wsApp(handler: (scope: WebSocketScope, receive: () => Promise<WebSocketReceiveEventAny>, send: (event: WebSocketSendEventAny) => Promise<void>) => Promise<void>): App {
  return async (scope, receive, send) => {
    if (scope.type === "websocket") await handler(scope, receive as () => Promise<WebSocketReceiveEventAny>, send);
  };
}

export const websocketChecks: ConformanceCheck[] = [
  {
    id: "websocket.scope",
    title: "A WebSocket scope has type websocket, scheme ws, decoded path, raw query, lowercased headers, and websocket.connect comes first",
    async run(ctx) {
      const seen = deferred<{ scope: WebSocketScope; first: string }>();
      const target = await ctx.serve(
        wsApp(async (scope, receive, send) => {
          const first = await receive();
          seen.resolve({ scope, first: first.type });
          await send({ type: "websocket.accept" });
          await receive();
        }),
      );
      expectOpen(ctx, await connect(ctx, target.url, "/ws/caf%C3%A9?room=a%20b"));
      const { scope, first } = await ctx.wait(seen.promise, "the app to be called");
      ctx.equal(first, "websocket.connect", "the first event");
      ctx.equal(scope.asgi.version, "3.0", "scope.asgi.version");
      ctx.equal(scope.scheme, "ws", "scope.scheme");
      ctx.equal(scope.path, "/ws/café", "scope.path");
      ctx.equal(scope.query_string, "room=a%20b", "scope.query_string");
      ctx.equal(scope.subprotocols, [], "scope.subprotocols when none offered");
      ctx.expect(scope.headers.some(([name]) => name === "sec-websocket-key"), "scope.headers lacks a lowercased sec-websocket-key");
    },
  },
  {
    id: "websocket.messages",
    title: "Text and binary messages travel both ways with their type kept",
    async run(ctx) {
      const target = await ctx.serve(
        wsApp(async (_scope, receive, send) => {
          await receive();
          await send({ type: "websocket.accept" });
          for (;;) {
            const event = await receive();
            if (event.type !== "websocket.receive") return;
            if (typeof event.text === "string") await send({ type: "websocket.send", text: event.text.toUpperCase() });
            else if (event.bytes) await send({ type: "websocket.send", bytes: Uint8Array.from(event.bytes).reverse() });
          }
        }),
      );
      const { ws } = expectOpen(ctx, await connect(ctx, target.url, "/echo"));
      ws.send("héllo");
      const text = await nextMessage(ctx, ws, "the echoed text message");
      ctx.equal({ text: text.data.toString("utf8"), binary: text.binary }, { text: "HÉLLO", binary: false }, "reply to a text message");
      ws.send(Buffer.from([1, 2, 3]));
      const bytes = await nextMessage(ctx, ws, "the echoed binary message");
      ctx.equal({ bytes: [...bytes.data], binary: bytes.binary }, { bytes: [3, 2, 1], binary: true }, "reply to a binary message");
    },
  },
  {
    id: "websocket.subprotocol",
    title: "Offered subprotocols appear in scope.subprotocols in order and the one the app accepts is selected",
    async run(ctx) {
      const offered = deferred<string[]>();
      const target = await ctx.serve(
        wsApp(async (scope, receive, send) => {
          offered.resolve(scope.subprotocols);
          await receive();
          await send({ type: "websocket.accept", subprotocol: "two" });
          await receive();
        }),
      );
      const { ws } = expectOpen(ctx, await connect(ctx, target.url, "/", ["one", "two"]));
      ctx.equal(await ctx.wait(offered.promise, "the app to be called"), ["one", "two"], "scope.subprotocols");
      ctx.equal(ws.protocol, "two", "subprotocol the client ended up with");
    },
  },
  {
    id: "websocket.accept-headers",
    title: "Headers on websocket.accept are sent with the 101 response",
    async run(ctx) {
      const target = await ctx.serve(
        wsApp(async (_scope, receive, send) => {
          await receive();
          await send({ type: "websocket.accept", headers: [["x-accepted", "yes"]] });
          await receive();
        }),
      );
      const { response } = expectOpen(ctx, await connect(ctx, target.url, "/"));
      ctx.equal(response.headers["x-accepted"], "yes", "x-accepted header on the 101 response");
    },
  },
  {
    id: "websocket.deny",
    title: "Closing before accepting denies the handshake with HTTP 403",
    async run(ctx) {
      const target = await ctx.serve(
        wsApp(async (_scope, receive, send) => {
          await receive();
          await send({ type: "websocket.close", code: 1008 });
        }),
      );
      const result = await connect(ctx, target.url, "/");
      if (result.kind !== "denied") return ctx.fail("the handshake succeeded although the app closed before accepting");
      ctx.equal(result.status, 403, "status of the denied handshake");
    },
  },
  {
    id: "websocket.denial-response",
    title: "With the websocket.http.response extension, the app's denial response (status, body) reaches the client",
    async run(ctx) {
      const advertised = deferred<boolean>();
      const target = await ctx.serve(
        wsApp(async (scope, receive, send) => {
          const supported = scope.extensions?.["websocket.http.response"] !== undefined;
          advertised.resolve(supported);
          await receive();
          if (!supported) return send({ type: "websocket.close" });
          await send({ type: "websocket.http.response.start", status: 401, headers: [["content-type", "text/plain"]] });
          await send({ type: "websocket.http.response.body", body: encoder.encode("no "), more_body: true });
          await send({ type: "websocket.http.response.body", body: encoder.encode("entry") });
        }),
      );
      const result = await connect(ctx, target.url, "/");
      if (!(await ctx.wait(advertised.promise, "the app to be called"))) ctx.skip("the server does not advertise websocket.http.response");
      if (result.kind !== "denied") return ctx.fail("the handshake succeeded although the app sent a denial response");
      ctx.equal({ status: result.status, body: result.body }, { status: 401, body: "no entry" }, "denial response");
    },
  },
  {
    id: "websocket.close-by-app",
    title: "The close code and reason the app sends reach the client",
    async run(ctx) {
      const target = await ctx.serve(
        wsApp(async (_scope, receive, send) => {
          await receive();
          await send({ type: "websocket.accept" });
          await send({ type: "websocket.close", code: 4001, reason: "bye now" });
        }),
      );
      const { ws } = expectOpen(ctx, await connect(ctx, target.url, "/"));
      ctx.equal(await closeOf(ctx, ws, "the server to close the WebSocket"), { code: 4001, reason: "bye now" }, "close frame the client saw");
    },
  },
  {
    id: "websocket.close-by-client",
    title: "The client's close code and reason reach the app as websocket.disconnect",
    async run(ctx) {
      const disconnect = deferred<WebSocketReceiveEventAny>();
      const accepted = deferred<undefined>();
      const target = await ctx.serve(
        wsApp(async (_scope, receive, send) => {
          await receive();
          await send({ type: "websocket.accept" });
          accepted.resolve();
          disconnect.resolve(await receive());
        }),
      );
      const { ws } = expectOpen(ctx, await connect(ctx, target.url, "/"));
      await ctx.wait(accepted.promise, "the app to accept");
      ws.close(4002, "see you");
      const event = await ctx.wait(disconnect.promise, "websocket.disconnect after the client closed");
      ctx.equal(event, { type: "websocket.disconnect", code: 4002, reason: "see you" }, "event the app received");
    },
  },
  {
    id: "websocket.send-after-close",
    title: "send() after the client closed rejects with ClientDisconnected",
    async run(ctx) {
      const sendError = deferred<unknown>();
      const target = await ctx.serve(
        wsApp(async (_scope, receive, send) => {
          await receive();
          await send({ type: "websocket.accept" });
          for (let event = await receive(); event.type !== "websocket.disconnect"; event = await receive());
          try {
            await send({ type: "websocket.send", text: "too late" });
            sendError.resolve(undefined);
          } catch (error) {
            sendError.resolve(error);
          }
        }),
      );
      const { ws } = expectOpen(ctx, await connect(ctx, target.url, "/"));
      ws.close(1000);
      const error = await ctx.wait(sendError.promise, "the app to see websocket.disconnect and try to send");
      ctx.expect(isClientDisconnected(error), `send() after close must reject with ClientDisconnected; it gave ${describeError(error)}`);
    },
  },
];
