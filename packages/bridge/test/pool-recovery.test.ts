// close() in all three endings, worker crash and hang recovery, the queue bound, lifespan.
import { afterEach, describe, expect, it } from "vitest";
import { ClientDisconnected, UnsupportedProtocol, type HTTPReceiveEvent, type LifespanSendEvent } from "@sluice/core";
import { BridgeConfigError, ModuleExportError, WorkerCrashedError, WorkerPool, WorkerTimeoutError, workerPoolApp, type PooledApp, type WorkerPoolAppOptions } from "../src/index.js";
import { callApp, disconnectAfter, fixture, httpScope, nextProbe, type RequestSpec } from "./helpers/app-client.js";

const opened: PooledApp[] = [];
const errors: Error[] = [];
function pool(options: Partial<WorkerPoolAppOptions> = {}): PooledApp {
  const app = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "raw", workers: 1, onError: (error) => errors.push(error), ...options });
  opened.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});
const request = (name: string, spec: RequestSpec = {}): RequestSpec => ({ ...spec, headers: [["x-app", name], ...(spec.headers ?? [])] });

describe("the iterable's close()", () => {
  it("is called after a normal end", async () => {
    const closed = nextProbe<{ tag: string; closed: string }>((message) => message.tag === "normal");
    const outcome = await callApp(pool(), request("closeProbe", { query: "tag=normal&mode=normal" }));
    expect(outcome.body.toString()).toBe("first second");
    expect((await closed.message).closed).toBe("finished");
  });

  it("is called when the iteration throws", async () => {
    const closed = nextProbe<{ tag: string; closed: string }>((message) => message.tag === "error");
    const outcome = await callApp(pool(), request("closeProbe", { query: "tag=error&mode=error" }));
    expect(outcome.error).toMatchObject({ message: "failed mid-stream" });
    expect((await closed.message).closed).toBe("not-finished");
  });

  it("is called when the client disconnects during an endless response", async () => {
    const closed = nextProbe<{ tag: string; closed: string }>((message) => message.tag === "gone");
    const app = pool();
    const outcome = await callApp(app, request("closeProbe", { query: "tag=gone&mode=endless", onSend: disconnectAfter(3) }));
    expect(outcome.error).toBeInstanceOf(ClientDisconnected);
    expect((await closed.message).closed).toBe("not-finished");
    expect((await callApp(app, request("hello"))).body.toString()).toBe("Hello, world!");
  });
});

describe("client going away during the upload", () => {
  it("raises ClientDisconnected in the app's read and sends nothing, then keeps serving", async () => {
    const app = pool();
    const outcome = await callApp(app, request("uploadHash", { method: "POST", headers: [["content-length", "100000"]], body: "only part", disconnectAfterBody: true }));
    expect(outcome.events).toEqual([]);
    expect(outcome.error).toBeUndefined();
    expect((await callApp(app, request("hello"))).status).toBe(200);
  });
});

describe("a request that ended while its body was being received", () => {
  it("never lets a late receive() of the old request feed the next request's input", async () => {
    const app = pool();
    await app.ready();
    const later = <T>() => {
      let resolve!: (value: T) => void;
      const promise = new Promise<T>((settle) => (resolve = settle));
      return { promise, resolve };
    };
    // Request A: its first body chunk fails to send (client gone) while the app waits for input.
    const aReceive = later<HTTPReceiveEvent>();
    const aReceiveCalled = later<undefined>();
    const a = app(
      httpScope({ method: "POST", headers: [["x-app", "writeThenRead"], ["content-length", "4"]] }),
      () => {
        aReceiveCalled.resolve(undefined);
        return aReceive.promise;
      },
      (event) => (event.type === "http.response.body" ? Promise.reject(new ClientDisconnected()) : Promise.resolve()),
    );
    await aReceiveCalled.promise;
    await expect(a).rejects.toBeInstanceOf(ClientDisconnected);
    // Request B on the same worker waits for its body; then A's receive() finally answers.
    const bReceive = later<HTTPReceiveEvent>();
    const bReceiveCalled = later<undefined>();
    let bBody = "";
    const b = app(
      httpScope({ method: "POST", headers: [["x-app", "writeThenRead"], ["content-length", "5"]] }),
      () => {
        bReceiveCalled.resolve(undefined);
        return bReceive.promise;
      },
      (event) => {
        if (event.type === "http.response.body") bBody += Buffer.from(event.body ?? []).toString();
        return Promise.resolve();
      },
    );
    await bReceiveCalled.promise;
    aReceive.resolve({ type: "http.request", body: new TextEncoder().encode("EVIL"), more_body: false });
    await new Promise((resolve) => setImmediate(resolve));
    bReceive.resolve({ type: "http.request", body: new TextEncoder().encode("hello"), more_body: false });
    await b;
    expect(bBody).toBe("w:hello");
  });
});

describe("worker failures", () => {
  it("answers 500 when the worker exits mid-request, and serves the next request on a new worker", async () => {
    const app = pool();
    const outcome = await callApp(app, request("crash"));
    expect(outcome.status).toBe(500);
    expect(errors.at(-1)).toBeInstanceOf(WorkerCrashedError);
    expect(errors.at(-1)?.message).toContain("exit code 3");
    const next = await callApp(app, request("hello"));
    expect(next.body.toString()).toBe("Hello, world!");
    expect(app.stats).toMatchObject({ workers: 1, crashed: 1 });
  });

  it("truncates the response when the worker dies after the response started", async () => {
    const app = pool();
    const outcome = await callApp(app, request("crashLater"));
    expect(outcome.status).toBe(200);
    expect(outcome.error).toBeInstanceOf(WorkerCrashedError);
    expect((await callApp(app, request("hello"))).status).toBe(200);
  });

  it("answers 500 when the worker runs out of heap (resourceLimits), and replaces it", async () => {
    const app = pool({ resourceLimits: { maxOldGenerationSizeMb: 24 } });
    const outcome = await callApp(app, request("exhaustMemory"));
    expect(outcome.status).toBe(500);
    expect(errors.at(-1)).toBeInstanceOf(WorkerCrashedError);
    expect(errors.at(-1)?.message).toMatch(/memory/i);
    expect((await callApp(app, request("hello"))).body.toString()).toBe("Hello, world!");
  });

  it("replaces a worker that dies from an uncaught error between requests", async () => {
    const app = pool();
    expect((await callApp(app, request("crashWhenIdle"))).body.toString()).toBe("answered");
    while (app.stats.crashed === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await callApp(app, request("hello"))).body.toString()).toBe("Hello, world!");
    expect(app.stats).toMatchObject({ workers: 1, crashed: 1 });
  });

  it("answers 504 when the app hangs past requestTimeout, replacing the worker", async () => {
    const app = pool({ requestTimeout: 300 });
    const outcome = await callApp(app, request("hang"));
    expect(outcome.status).toBe(504);
    expect(errors.at(-1)).toBeInstanceOf(WorkerTimeoutError);
    expect((await callApp(app, request("hello"))).body.toString()).toBe("Hello, world!");
    expect(app.stats).toMatchObject({ timedOut: 1, crashed: 0, workers: 1 });
  });

  it("does not count time spent waiting for a slow client against requestTimeout", async () => {
    const app = pool({ requestTimeout: 200 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const outcome = callApp(app, request("stream", { query: "chunks=8&size=65536", onSend: (_event, index) => (index === 1 ? held : undefined) }));
    // The worker is blocked on the held send for longer than the timeout.
    await new Promise((resolve) => setTimeout(resolve, 400));
    release();
    const done = await outcome;
    expect(done.error).toBeUndefined();
    expect(done.body.length).toBe(8 * 65536);
  });
});

describe("queue and pool settings", () => {
  it("answers 503 when every worker is busy and the queue is full", async () => {
    const app = pool({ maxQueue: 1 });
    await app.ready();
    const busy = callApp(app, request("cpu", { query: "ms=300" }));
    const queued = callApp(app, request("hello"));
    const refused = await callApp(app, request("hello"));
    expect(refused.status).toBe(503);
    expect((await busy).status).toBe(200);
    expect((await queued).status).toBe(200);
    expect(app.stats.rejected).toBe(1);
  });

  it("answers 503 after close()", async () => {
    const app = pool();
    await app.close();
    expect((await callApp(app, request("hello"))).status).toBe(503);
  });

  it("rejects ready() with ModuleExportError when the export is not a function", async () => {
    const app = pool({ exportName: "notAFunction" });
    await expect(app.ready()).rejects.toThrow(/export "notAFunction" of .* is not a function/);
    const outcome = await callApp(app);
    expect(outcome.status).toBe(500);
    expect(errors.at(-1)?.message).toContain("notAFunction");
    await expect(app.ready()).rejects.toBeInstanceOf(ModuleExportError);
  });

  it("rejects impossible options with a BridgeConfigError naming the option", () => {
    expect(() => workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "hello", workers: 0 })).toThrow(/option workers must be an integer >= 1/);
    expect(() => workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "hello", requestTimeout: -1 })).toThrow(/requestTimeout/);
    expect(() => workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "hello", maxQueue: -1 })).toThrow(
      expect.objectContaining({ code: "ERR_BRIDGE_CONFIG", option: "maxQueue" }),
    );
    expect(() => new WorkerPool({ workerNiceness: 40 })).toThrow(BridgeConfigError);
  });
});

describe("other scopes", () => {
  it("completes lifespan startup once workers are ready and closes the pool at shutdown", async () => {
    const app = pool({ exportName: "hello" });
    const sent: LifespanSendEvent[] = [];
    const incoming = [{ type: "lifespan.startup" }, { type: "lifespan.shutdown" }];
    await app({ type: "lifespan", asgi: { version: "3.0" } }, () => Promise.resolve(incoming.shift() as never), (event) => {
      sent.push(event as LifespanSendEvent);
      return Promise.resolve();
    });
    expect(sent.map((event) => event.type)).toEqual(["lifespan.startup.complete", "lifespan.shutdown.complete"]);
    expect((await callApp(app)).status).toBe(503);
  });

  it("fails lifespan startup when the app cannot be loaded", async () => {
    const app = pool({ exportName: "missing" });
    const sent: LifespanSendEvent[] = [];
    const incoming = [{ type: "lifespan.startup" }];
    await app({ type: "lifespan", asgi: { version: "3.0" } }, () => Promise.resolve(incoming.shift() as never), (event) => {
      sent.push(event as LifespanSendEvent);
      return Promise.resolve();
    });
    expect(sent).toEqual([{ type: "lifespan.startup.failed", message: expect.stringContaining('export "missing"') as unknown }]);
  });

  it("throws UnsupportedProtocol for websocket connections", async () => {
    const app = pool({ exportName: "hello" });
    const scope = { ...httpScope(), type: "websocket" as const, subprotocols: [] };
    await expect(app(scope as never, () => Promise.resolve({ type: "websocket.connect" }), () => Promise.resolve())).rejects.toBeInstanceOf(UnsupportedProtocol);
  });
});
