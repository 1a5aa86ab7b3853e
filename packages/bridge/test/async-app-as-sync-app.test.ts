// A sync app on the pool mounting async sub-apps: each runs on the worker's helper thread while
// the worker blocks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { workerPoolApp, type PooledApp } from "../src/index.js";
import { callApp, disconnectAfter, fixture, nextProbe } from "./helpers/app-client.js";

const errors: Error[] = [];
let app: PooledApp;
beforeAll(async () => {
  app = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "mountAsync", workers: 1, onError: (error) => errors.push(error) });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

describe("asyncAppAsSyncApp", () => {
  it("gives the async app a scope built from the environ and the request body from wsgi.input", async () => {
    const outcome = await callApp(app, {
      method: "PUT",
      rootPath: "/mnt",
      path: "/mnt/echo/été",
      query: "x=1",
      headers: [["content-type", "text/plain"], ["content-length", "11"]],
      body: Readable.from([Buffer.from("hello "), Buffer.from("world")]),
    });
    expect(outcome.status).toBe(201);
    expect(outcome.headers).toEqual([["content-type", "application/json"]]);
    expect(JSON.parse(outcome.body.toString())).toEqual({
      method: "PUT",
      path: "/mnt/echo/été",
      root_path: "/mnt",
      query_string: "x=1",
      contentType: "text/plain",
      body: "hello world",
    });
  });

  it("streams the async app's chunks through the sync iterable", async () => {
    const outcome = await callApp(app, { path: "/stream", query: "count=4" });
    expect(outcome.status).toBe(200);
    expect(outcome.body.toString()).toBe("chunk0;chunk1;chunk2;chunk3;");
    const bodies = outcome.events.filter((event) => event.type === "http.response.body" && (event.body?.length ?? 0) > 0);
    expect(bodies).toHaveLength(4);
  });

  it("turns an error before http.response.start into a 500 carrying the async app's error", async () => {
    const outcome = await callApp(app, { path: "/fail" });
    expect(outcome.status).toBe(500);
    expect(errors.at(-1)).toMatchObject({ name: "SyntaxError", message: "async sub-app failed" });
  });

  it("tells the async app the client is gone when the sync side stops early", async () => {
    const stopped = nextProbe<{ tag: string; error?: string }>((message) => message.tag === "async-stream" && message.error !== undefined);
    const outcome = await callApp(app, { path: "/stream", query: "count=1000", onSend: disconnectAfter(3) });
    expect(outcome.error).toMatchObject({ name: "ClientDisconnected" });
    expect((await stopped.message).error).toBe("ClientDisconnected");
    expect((await callApp(app, { path: "/stream", query: "count=1" })).body.toString()).toBe("chunk0;");
  });
});
