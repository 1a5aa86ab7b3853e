import type { App, HTTPScope } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { LifespanFailed, toFetch } from "../src/index.js";

const encoder = new TextEncoder();

const echoApp: App = async (scope, receive, send) => {
  if (scope.type !== "http") return;
  const chunks: Uint8Array[] = [];
  for (;;) {
    const event = await receive();
    if (event.type !== "http.request") break;
    chunks.push(event.body);
    if (!event.more_body) break;
  }
  const body = Buffer.concat(chunks);
  await send({
    type: "http.response.start",
    status: 201,
    headers: [
      ["content-type", "application/json"],
      ["set-cookie", "a=1; Path=/"],
      ["set-cookie", "b=2; Path=/"],
    ],
  });
  const summary = { method: scope.method, path: scope.path, query: scope.query_string, body: body.toString(), host: scope.headers.find(([n]) => n === "host")?.[1] };
  await send({ type: "http.response.body", body: encoder.encode(JSON.stringify(summary)) });
};

describe("toFetch", () => {
  it("maps method, path, query, body, status and headers, keeping multiple Set-Cookie", async () => {
    const handler = toFetch(echoApp);
    const response = await handler(new Request("http://example.test/caf%C3%A9?x=1&y=2", { method: "POST", body: "payload" }));
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await response.json()).toEqual({ method: "POST", path: "/café", query: "x=1&y=2", body: "payload", host: "example.test" });
  });

  it("keeps a path that is not valid UTF-8 percent-encoded in both path and raw_path", async () => {
    let seen: { path: string; raw_path: string | null } | undefined;
    const handler = toFetch(async (scope, _receive, send) => {
      if (scope.type !== "http") return;
      seen = { path: scope.path, raw_path: scope.raw_path };
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    });
    expect((await handler(new Request("http://example.test/a%FFb%2Fc"))).status).toBe(204);
    expect(seen).toEqual({ path: "/a%FFb%2Fc", raw_path: "/a%FFb%2Fc" });
  });

  it("pulls the request body only as the app calls receive()", async () => {
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
        if (pulls === 1000) controller.close();
      },
    }, { highWaterMark: 0 });
    let seenAfterFirst = -1;
    const app: App = async (scope, receive, send) => {
      if (scope.type !== "http") return;
      await receive();
      seenAfterFirst = pulls;
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: encoder.encode("stopped reading") });
    };
    const response = await toFetch(app)(new Request("http://x.test/", { method: "PUT", body: source, duplex: "half" }));
    expect(await response.text()).toBe("stopped reading");
    expect(seenAfterFirst).toBeLessThanOrEqual(2);
    expect(pulls).toBeLessThan(10);
  });

  it("hands out the response while the app is still streaming it", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app: App = async (scope, _receive, send) => {
      if (scope.type !== "http") return;
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/event-stream"]] });
      await send({ type: "http.response.body", body: encoder.encode("data: first\n\n"), more_body: true });
      await gate;
      await send({ type: "http.response.body", body: encoder.encode("data: second\n\n") });
    };
    const response = await toFetch(app)(new Request("http://x.test/events"));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    release();
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toBe("data: second\n\n");
    expect((await reader.read()).done).toBe(true);
  });

  it("answers 500 when the app raises before starting the response", async () => {
    const app: App = () => Promise.reject(new Error("boom"));
    const response = await toFetch(app)(new Request("http://x.test/"));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Internal Server Error");
  });

  it("errors the body stream when the app raises after starting", async () => {
    const app: App = async (scope, _receive, send) => {
      if (scope.type !== "http") return;
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: encoder.encode("partial"), more_body: true });
      throw new Error("midway");
    };
    const response = await toFetch(app)(new Request("http://x.test/"));
    await expect(response.text()).rejects.toThrow();
  });

  it("delivers http.disconnect when the request signal aborts", async () => {
    const controller = new AbortController();
    let disconnected: () => void = () => undefined;
    const sawDisconnect = new Promise<void>((resolve) => (disconnected = resolve));
    const app: App = async (scope, receive, send) => {
      if (scope.type !== "http") return;
      await receive();
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: encoder.encode("tick"), more_body: true });
      if ((await receive()).type === "http.disconnect") disconnected();
    };
    const response = await toFetch(app)(new Request("http://x.test/", { signal: controller.signal }));
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("tick");
    controller.abort();
    await sawDisconnect;
  });

  it("returns no body for HEAD and 204 responses", async () => {
    const app: App = async (scope, _receive, send) => {
      if (scope.type !== "http") return;
      await send({ type: "http.response.start", status: scope.path === "/empty" ? 204 : 200 });
      await send({ type: "http.response.body", body: encoder.encode("ignored for HEAD") });
    };
    const handler = toFetch(app);
    const head = await handler(new Request("http://x.test/", { method: "HEAD" }));
    expect(head.body).toBeNull();
    const empty = await handler(new Request("http://x.test/empty"));
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("runs lifespan startup and shares its state with request scopes", async () => {
    const app: App = async (scope, receive, send) => {
      if (scope.type === "lifespan") {
        await receive();
        scope.state!.greeting = "from startup";
        await send({ type: "lifespan.startup.complete" });
        await receive();
        await send({ type: "lifespan.shutdown.complete" });
        return;
      }
      if (scope.type !== "http") return;
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: encoder.encode(String((scope).state?.greeting)) });
    };
    const handler = toFetch(app);
    await handler.startup();
    expect(await (await handler(new Request("http://x.test/"))).text()).toBe("from startup");
    await handler.shutdown();
  });

  it("rejects startup with LifespanFailed carrying the app's message", async () => {
    const app: App = async (scope, receive, send) => {
      if (scope.type !== "lifespan") return;
      await receive();
      await send({ type: "lifespan.startup.failed", message: "database unreachable" });
    };
    const failure = await toFetch(app).startup().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LifespanFailed);
    expect((failure as LifespanFailed).code).toBe("ERR_LIFESPAN_FAILED");
    expect((failure as Error).message).toBe("lifespan startup failed: database unreachable");
  });

  it("treats an app that raises on the lifespan scope as not supporting lifespan", async () => {
    const app: App = (scope) => (scope.type === "lifespan" ? Promise.reject(new Error("no lifespan here")) : Promise.resolve());
    await expect(toFetch(app).startup()).resolves.toBeUndefined();
  });

  it("reports root_path and prefixes it to path", async () => {
    let seen: HTTPScope | undefined;
    const app: App = async (scope, _receive, send) => {
      if (scope.type !== "http") return;
      seen = scope;
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    };
    await toFetch(app, { rootPath: "/api" })(new Request("http://x.test/users"));
    expect(seen?.root_path).toBe("/api");
    expect(seen?.path).toBe("/api/users");
  });
});
