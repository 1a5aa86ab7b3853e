import http from "node:http";
import { ClientDisconnected, type HTTPReceiveEvent, type HTTPScope, type SendEvent } from "@sluice/core";
import { serve } from "@sluice/server";
import { afterEach, describe, expect, it } from "vitest";
import { fromFetch, type FetchHandler } from "../src/index.js";

const DISCONNECT: HTTPReceiveEvent = { type: "http.disconnect" };

function scopeFor(method: string, headers: Array<[string, string]> = []): HTTPScope {
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.4" },
    http_version: "1.1",
    method,
    scheme: "http",
    path: "/",
    raw_path: "/",
    query_string: "",
    root_path: "",
    headers: [["host", "app.test"], ...headers],
    client: null,
    server: null,
  };
}

/**
 * Runs `handler` in-process with scripted receive events. Once they run out, receive() waits,
 * as a server's does, and answers http.disconnect only after the app finished (the response
 * is complete). Returns what was sent and how often receive was called.
 */
async function runInProcess(handler: FetchHandler, scope: HTTPScope, events: HTTPReceiveEvent[] = []): Promise<{ sent: SendEvent[]; receives: () => number; lastReceive: () => Promise<HTTPReceiveEvent> }> {
  const sent: SendEvent[] = [];
  let calls = 0;
  const finished = deferred<HTTPReceiveEvent>();
  let last: Promise<HTTPReceiveEvent> = finished.promise;
  const receive = (): Promise<HTTPReceiveEvent> => {
    calls += 1;
    const next = events.shift();
    last = next === undefined ? finished.promise : Promise.resolve(next);
    return last;
  };
  const send = (event: SendEvent): Promise<void> => {
    sent.push(event);
    return Promise.resolve();
  };
  try {
    await fromFetch(handler)(scope, receive, send);
  } finally {
    finished.resolve(DISCONNECT);
  }
  return { sent, receives: () => calls, lastReceive: () => last };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the lazy request signal (in-process)", () => {
  it("calls receive() not at all for a bodiless request whose handler never reads the signal", async () => {
    const run = await runInProcess(() => new Response("ok"), scopeFor("GET"));
    expect(run.receives()).toBe(0);
    expect(run.sent.map((event) => event.type)).toEqual(["http.response.start", "http.response.body"]);
  });

  it("starts watching for the disconnect when the handler reads the signal", async () => {
    let signal: AbortSignal | undefined;
    const run = await runInProcess((request) => {
      signal = request.signal;
      return new Response("ok");
    }, scopeFor("GET"));
    expect(run.receives()).toBe(1);
    await run.lastReceive();
    expect(signal?.aborted).toBe(false);
  });

  it("does not abort a signal first read after the response was sent", async () => {
    let keep: Request | undefined;
    const run = await runInProcess((request) => {
      keep = request;
      return new Response("ok");
    }, scopeFor("GET"));
    const signal = (keep as Request).signal;
    await run.lastReceive();
    expect(signal.aborted).toBe(false);
  });

  it("aborts a signal first read after the client left in the middle of the body", async () => {
    let reason: unknown;
    let bodyError: unknown;
    await runInProcess(
      async (request) => {
        bodyError = await request.text().catch((error: unknown) => error);
        reason = request.signal.aborted ? request.signal.reason : undefined;
        return new Response("late");
      },
      scopeFor("POST", [["content-length", "10"]]),
      [{ type: "http.request", body: new Uint8Array(3), more_body: true }, DISCONNECT],
    );
    expect(bodyError).toBeInstanceOf(ClientDisconnected);
    expect(reason).toBeInstanceOf(ClientDisconnected);
  });

  it("writes a light response without ever reading its body", async () => {
    let response: Response | undefined;
    const run = await runInProcess(() => (response = new Response("kept", { headers: { "x-a": "1" } })), scopeFor("GET"));
    expect(response?.bodyUsed).toBe(false);
    expect(run.sent).toEqual([
      { type: "http.response.start", status: 200, headers: [["x-a", "1"], ["content-type", "text/plain;charset=UTF-8"]] },
      { type: "http.response.body", body: new TextEncoder().encode("kept"), more_body: false },
    ]);
  });

  it("refuses a handler result that is not a Response with a ProtocolError", async () => {
    await expect(runInProcess(() => ({ status: 200 }) as unknown as Response, scopeFor("GET"))).rejects.toMatchObject({ code: "ERR_PROTOCOL" });
  });

  it("refuses a promised handler result that is not a Response with a ProtocolError", async () => {
    await expect(runInProcess(() => Promise.resolve({ status: 200 } as unknown as Response), scopeFor("GET"))).rejects.toMatchObject({ code: "ERR_PROTOCOL" });
  });

  it("passes on an error a handler throws synchronously, having sent nothing", async () => {
    const sent: SendEvent[] = [];
    const app = fromFetch(() => {
      throw new Error("sync failure");
    });
    await expect(app(scopeFor("GET"), () => Promise.resolve(DISCONNECT), (event) => (sent.push(event), Promise.resolve()))).rejects.toThrow("sync failure");
    expect(sent).toEqual([]);
  });

  it("passes on a handler's rejection, having sent nothing", async () => {
    const sent: SendEvent[] = [];
    const app = fromFetch(() => Promise.reject(new Error("async failure")));
    await expect(app(scopeFor("GET"), () => Promise.resolve(DISCONNECT), (event) => (sent.push(event), Promise.resolve()))).rejects.toThrow("async failure");
    expect(sent).toEqual([]);
  });

  it("sends the body only after send() settled for the start, and settles only after the body's send()", async () => {
    const order: string[] = [];
    const startSent = deferred();
    const bodySent = deferred();
    const send = (event: SendEvent): Promise<void> => {
      order.push(event.type);
      return event.type === "http.response.start" ? startSent.promise : bodySent.promise;
    };
    let settled = false;
    const running = fromFetch(() => new Response("ordered"))(scopeFor("GET"), () => Promise.resolve(DISCONNECT), send).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["http.response.start"]);
    startSent.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["http.response.start", "http.response.body"]);
    expect(settled).toBe(false);
    bodySent.resolve();
    await running;
    expect(settled).toBe(true);
  });

  it("passes on a rejection of the body's send()", async () => {
    const send = (event: SendEvent): Promise<void> => (event.type === "http.response.body" ? Promise.reject(new ClientDisconnected("gone")) : Promise.resolve());
    await expect(fromFetch(() => new Response("lost"))(scopeFor("GET"), () => Promise.resolve(DISCONNECT), send)).rejects.toBeInstanceOf(ClientDisconnected);
  });
});

describe("the lazy request signal through @sluice/server", () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("aborts a signal the handler reads only after the client went away", async () => {
    const started = deferred();
    const clientGone = deferred();
    const aborted = deferred<unknown>();
    const app = fromFetch(async (request) => {
      started.resolve();
      await clientGone.promise;
      const signal = request.signal;
      if (signal.aborted) aborted.resolve(signal.reason);
      else signal.addEventListener("abort", () => aborted.resolve(signal.reason));
      return new Promise<Response>(() => undefined);
    });
    server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", timeoutGracefulShutdown: 1 });
    const request = http.get(server.url);
    request.on("error", () => undefined);
    await started.promise;
    request.on("close", () => clientGone.resolve());
    request.destroy();
    expect(await aborted.promise).toBeInstanceOf(ClientDisconnected);
  });
});
