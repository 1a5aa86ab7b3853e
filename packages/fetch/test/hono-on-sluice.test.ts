import http from "node:http";
import { ClientDisconnected, compose } from "@sluice/core";
import { compression } from "@sluice/compression";
import { cors } from "@sluice/cors";
import { serve } from "@sluice/server";
import { Hono } from "hono";
import { streamText } from "hono/streaming";
import { afterEach, describe, expect, it } from "vitest";
import { fromFetch } from "../src/index.js";

let server: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("a Hono app served by @sluice/server through fromFetch", () => {
  it("routes, reads JSON, sets cookies and passes through Sluice middleware", async () => {
    const hono = new Hono()
      .get("/hello/:name", (c) => c.text(`Hello, ${c.req.param("name")}!`))
      .post("/items", async (c) => {
        const body = await c.req.json<{ name: string }>();
        c.header("set-cookie", "a=1; Path=/", { append: true });
        c.header("set-cookie", "b=2; Path=/", { append: true });
        return c.json({ created: body.name }, 201);
      });
    const app = compose(cors({ allowOrigins: ["https://ui.example"] }), compression())(fromFetch(hono.fetch));
    server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });

    const hello = await fetch(`${server.url}/hello/sluice`, { headers: { origin: "https://ui.example" } });
    expect(await hello.text()).toBe("Hello, sluice!");
    expect(hello.headers.get("access-control-allow-origin")).toBe("https://ui.example");

    const created = await fetch(`${server.url}/items`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "pen" }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await created.json()).toEqual({ created: "pen" });
  });

  it("hands a text body to middleware around it as bytes, so compression can encode it", async () => {
    const text = "the same line of text, again and again\n".repeat(200);
    const hono = new Hono().get("/", (c) => c.text(text));
    server = await serve(compression()(fromFetch(hono.fetch)), { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
    const response = await fetch(server.url, { headers: { "accept-encoding": "gzip" } });
    expect(response.headers.get("content-encoding")).toBe("gzip");
    // fetch() decodes gzip itself: the text must come back whole.
    expect(await response.text()).toBe(text);
  });

  it("streams a large upload through the handler without buffering it", async () => {
    const total = 64 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    let furthestAhead = 0;
    const hono = new Hono().put("/upload", async (c) => {
      let bytes = 0;
      const reader = (c.req.raw.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        furthestAhead = Math.max(furthestAhead, sent - bytes);
      }
      return c.json({ bytes });
    });
    server = await serve(fromFetch(hono.fetch), { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (sent >= total) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const response = await fetch(`${server.url}/upload`, { method: "PUT", body, duplex: "half" });
    expect(await response.json()).toEqual({ bytes: total });
    // The client can only run ahead of the handler by what sockets and stream buffers hold.
    expect(furthestAhead).toBeLessThan(16 * 1024 * 1024);
  });

  it("streams the response: the first part arrives while the handler is still writing", async () => {
    const gate = deferred();
    const hono = new Hono().get("/stream", (c) =>
      streamText(c, async (stream) => {
        await stream.write("first;");
        await gate.promise;
        await stream.write("second;");
      }),
    );
    server = await serve(fromFetch(hono.fetch), { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
    const response = await fetch(`${server.url}/stream`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first;");
    gate.resolve();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe("second;");
  });

  it("aborts request.signal when the client goes away", async () => {
    const aborted = deferred();
    const started = deferred();
    let reason: unknown;
    const hono = new Hono().get("/slow", (c) => {
      c.req.raw.signal.addEventListener("abort", () => {
        reason = c.req.raw.signal.reason;
        aborted.resolve();
      });
      started.resolve();
      return new Promise<Response>(() => undefined); // never answers
    });
    server = await serve(fromFetch(hono.fetch), { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", timeoutGracefulShutdown: 1 });
    const request = http.get(`${server.url}/slow`);
    request.on("error", () => undefined);
    await started.promise;
    request.destroy();
    await aborted.promise;
    expect(String(reason)).toContain("the client disconnected");
    expect(reason).toBeInstanceOf(ClientDisconnected);
  });

  it("leaves request.signal alone when the response completes normally", async () => {
    let signal: AbortSignal | undefined;
    const hono = new Hono().get("/done", (c) => {
      signal = c.req.raw.signal;
      return c.text("done");
    });
    const disconnectSeen = deferred();
    const inner = fromFetch(hono.fetch);
    // Note when the app is handed http.disconnect (the server sends it after the response).
    const app: typeof inner = (scope, receive, send) =>
      inner(
        scope,
        async () => {
          const event = await receive();
          if (event.type === "http.disconnect") setImmediate(() => disconnectSeen.resolve());
          return event;
        },
        send,
      );
    server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
    expect(await (await fetch(`${server.url}/done`)).text()).toBe("done");
    await disconnectSeen.promise;
    expect(signal?.aborted).toBe(false);
  });
});
