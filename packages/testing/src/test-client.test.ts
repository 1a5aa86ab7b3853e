import { ClientDisconnected, ProtocolError } from "@sluice/core";
import type { App, HTTPReceive, Headers } from "@sluice/core";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { echoApp, encoder, readBody, respond } from "../test/apps.js";
import { AppFinishedError, RequestAborted, TestTimeoutError, UnexpectedEventError } from "./errors.js";
import { deferred } from "./internal/deferred.js";
import { TestClient } from "./test-client.js";

/** The garbage collector, so memory checks measure what is retained, not what is merely uncollected. */
function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

interface Echo {
  method: string;
  path: string;
  raw_path: string;
  query_string: string;
  root_path: string;
  scheme: string;
  headers: Headers;
  client: unknown;
  server: unknown;
  state: Record<string, unknown> | null;
  body: string;
  chunks: number;
}

describe("TestClient HTTP requests", () => {
  it("returns status, header tuples, a header getter, body bytes, text and json", async () => {
    const client = new TestClient(echoApp);
    const response = await client.get("/hello");
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.header("Content-Type")).toBe("application/json");
    expect(response.headerValues("set-cookie")).toEqual(["a=1", "b=2"]);
    expect(response.headers).toContainEqual(["set-cookie", "b=2"]);
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect(response.text()).toContain('"path":"/hello"');
    expect(response.json<Echo>().method).toBe("GET");
  });

  it("builds the scope like a server: decoded path, raw path, query, host header, addresses", async () => {
    const client = new TestClient(echoApp, { baseUrl: "https://example.test:8443", rootPath: "/api" });
    const echo = (await client.get("/caf%C3%A9/x?a=1", { query: { b: ["2", "3"], c: "d e" } })).json<Echo>();
    expect(echo.path).toBe("/api/café/x");
    expect(echo.raw_path).toBe("/api/caf%C3%A9/x");
    expect(echo.root_path).toBe("/api");
    expect(echo.query_string).toBe("a=1&b=2&b=3&c=d+e");
    expect(echo.scheme).toBe("https");
    expect(echo.server).toEqual(["example.test", 8443]);
    expect(echo.client).toEqual(["127.0.0.1", 50000]);
    expect(echo.headers).toContainEqual(["host", "example.test:8443"]);
  });

  it("percent-encodes a non-ASCII path into raw_path", async () => {
    const echo = (await new TestClient(echoApp).get("/café")).json<Echo>();
    expect(echo.raw_path).toBe("/caf%C3%A9");
    expect(echo.path).toBe("/café");
  });

  it("lowercases request header names and keeps duplicates in order", async () => {
    const echo = (await new TestClient(echoApp).get("/", { headers: [["X-Tag", "a"], ["X-Other", "z"], ["X-Tag", "b"]] })).json<Echo>();
    expect(echo.headers.filter(([name]) => name.startsWith("x-"))).toEqual([["x-tag", "a"], ["x-other", "z"], ["x-tag", "b"]]);
  });

  it("sends a string body as UTF-8 text with its length", async () => {
    const echo = (await new TestClient(echoApp).post("/", { body: "héllo" })).json<Echo>();
    expect(Buffer.from(echo.body, "latin1").toString("utf8")).toBe("héllo");
    expect(echo.headers).toContainEqual(["content-length", "6"]);
    expect(echo.headers).toContainEqual(["content-type", "text/plain; charset=utf-8"]);
  });

  it("sends an object body as JSON with a JSON content type", async () => {
    const echo = (await new TestClient(echoApp).put("/", { body: { a: [1, 2] } })).json<Echo>();
    expect(echo.body).toBe('{"a":[1,2]}');
    expect(echo.headers).toContainEqual(["content-type", "application/json"]);
  });

  it("sends a byte body unchanged", async () => {
    const echo = (await new TestClient(echoApp).post("/", { body: new Uint8Array([0, 255, 7]) })).json<Echo>();
    expect(Buffer.from(echo.body, "latin1")).toEqual(Buffer.from([0, 255, 7]));
  });

  it("lets a request header override the body's content type", async () => {
    const echo = (await new TestClient(echoApp).post("/", { body: "x", headers: { "Content-Type": "text/csv" } })).json<Echo>();
    expect(echo.headers.filter(([name]) => name === "content-type")).toEqual([["content-type", "text/csv"]]);
  });

  it("streams an async-iterable upload one chunk per receive, pulled only when the app asks", async () => {
    let produced = 0;
    async function* upload(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 3; i++) {
        produced++;
        yield await Promise.resolve(encoder.encode(`part${i};`));
      }
    }
    const seen: number[] = [];
    const app: App = async (scope, receive, send) => {
      const parts: string[] = [];
      for (;;) {
        const event = await (receive as HTTPReceive)();
        if (event.type !== "http.request") break;
        seen.push(produced);
        parts.push(new TextDecoder().decode(event.body));
        if (!event.more_body) break;
      }
      await respond(send, 200, parts.join(""));
    };
    const response = await new TestClient(app).post("/", { body: upload() });
    expect(response.text()).toBe("part0;part1;part2;");
    expect(seen).toEqual([1, 2, 3, 3]);
  });

  it("marks a streaming upload as chunked", async () => {
    async function* upload(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(encoder.encode("x"));
    }
    const echo = (await new TestClient(echoApp).post("/", { body: upload() })).json<Echo>();
    expect(echo.headers).toContainEqual(["transfer-encoding", "chunked"]);
    expect(echo.chunks).toBe(2);
  });

  it("drops the body of a HEAD response", async () => {
    const response = await new TestClient(echoApp).head("/");
    expect(response.status).toBe(200);
    expect(response.body.byteLength).toBe(0);
  });

  it("offers get, post, put, patch, delete and options shortcuts with the right method", async () => {
    const client = new TestClient(echoApp);
    const methods = await Promise.all([client.get("/"), client.post("/"), client.put("/"), client.patch("/"), client.delete("/"), client.options("/")]);
    expect(methods.map((r) => r.json<Echo>().method)).toEqual(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
  });

  it("rethrows an error the app throws", async () => {
    const app: App = () => Promise.reject(new Error("boom"));
    await expect(new TestClient(app).get("/")).rejects.toThrow("boom");
  });

  it("turns an error before the response start into a 500 when raiseAppExceptions is false", async () => {
    const app: App = () => Promise.reject(new Error("boom"));
    const response = await new TestClient(app, { raiseAppExceptions: false }).get("/");
    expect(response.status).toBe(500);
  });

  it("reports an app that returns without responding as AppFinishedError", async () => {
    const app: App = () => Promise.resolve();
    const error = await new TestClient(app, { validate: false }).get("/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppFinishedError);
    expect((error as AppFinishedError).message).toContain("http.response.start");
  });

  it("collects trailers and early hints", async () => {
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.early_hint", links: ["</a.css>; rel=preload"] });
      await send({ type: "http.response.start", status: 200, trailers: true });
      await send({ type: "http.response.body", body: encoder.encode("data") });
      await send({ type: "http.response.trailers", headers: [["x-sum", "42"]] });
    };
    const response = await new TestClient(app).get("/", { headers: { te: "trailers" } });
    expect(response.text()).toBe("data");
    expect(response.trailers).toEqual([["x-sum", "42"]]);
    expect(response.earlyHints).toEqual([["</a.css>; rel=preload"]]);
  });

  it("advertises the trailers extension only for requests sent with TE: trailers", async () => {
    const seen: boolean[] = [];
    const app: App = async (scope, _receive, send) => {
      seen.push(scope.type === "http" && scope.extensions?.["http.response.trailers"] !== undefined);
      await respond(send, 204, "");
    };
    const client = new TestClient(app);
    await client.get("/");
    await client.get("/", { headers: { TE: "gzip, trailers" } });
    expect(seen).toEqual([false, true]);
  });

  it("reads a pathsend response from the file", async () => {
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.pathsend", path: new URL(import.meta.url).pathname });
    };
    const response = await new TestClient(app).get("/");
    expect(response.text()).toContain("reads a pathsend response from the file");
  });

  it("aborting through a signal disconnects the app and rejects with RequestAborted", async () => {
    const gotDisconnect = deferred<string>();
    const app: App = async (_scope, receive) => {
      for (let event = await receive(); ; event = await receive()) {
        if (event.type === "http.disconnect") return gotDisconnect.resolve(event.type);
      }
    };
    const controller = new AbortController();
    const pending = new TestClient(app).get("/", { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RequestAborted);
    expect(await gotDisconnect.promise).toBe("http.disconnect");
  });

  it("gives the app http.disconnect on receive after the response has completed", async () => {
    const after = deferred<string>();
    const app: App = async (_scope, receive, send) => {
      await readBody(receive as HTTPReceive);
      await respond(send, 200, "ok");
      after.resolve((await receive()).type);
    };
    await new TestClient(app).get("/");
    expect(await after.promise).toBe("http.disconnect");
  });
});

describe("TestClient streaming responses", () => {
  it("delivers each chunk as the app sends it, before the app sends the next", async () => {
    const proceed = deferred<undefined>();
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await send({ type: "http.response.body", body: encoder.encode("first"), more_body: true });
      await proceed.promise;
      await send({ type: "http.response.body", body: encoder.encode("second") });
    };
    const response = await new TestClient(app).stream("GET", "/");
    expect(response.status).toBe(200);
    expect(response.header("content-type")).toBe("text/plain");
    expect(response.headerValues("content-type")).toEqual(["text/plain"]);
    expect(new TextDecoder().decode(await response.read())).toBe("first");
    proceed.resolve();
    expect(new TextDecoder().decode(await response.read())).toBe("second");
    expect(await response.read()).toBeUndefined();
    expect(response.complete).toBe(true);
  });

  it("holds the app's send until the test takes the previous chunk", async () => {
    let sent = 0;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200 });
      for (let i = 0; i < 100; i++) {
        await send({ type: "http.response.body", body: new Uint8Array(1024), more_body: true });
        sent++;
      }
      await send({ type: "http.response.body" });
    };
    const response = await new TestClient(app).stream("GET", "/");
    await response.read();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sent).toBeLessThanOrEqual(2);
    let total = 1024;
    for await (const chunk of response) total += chunk.byteLength;
    expect(total).toBe(100 * 1024);
  });

  it("stopping early gives the app http.disconnect and makes its send reject with ClientDisconnected", async () => {
    const outcome = deferred<{ event: string; sendError: unknown }>();
    const app: App = async (_scope, receive, send) => {
      await readBody(receive as HTTPReceive);
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: encoder.encode("tick"), more_body: true });
      const event = (await receive()).type;
      const sendError = await send({ type: "http.response.body", body: encoder.encode("late"), more_body: true }).catch((e: unknown) => e);
      outcome.resolve({ event, sendError });
    };
    const response = await new TestClient(app).stream("GET", "/");
    for await (const chunk of response) {
      expect(new TextDecoder().decode(chunk)).toBe("tick");
      break;
    }
    const { event, sendError } = await outcome.promise;
    expect(event).toBe("http.disconnect");
    expect(sendError).toBeInstanceOf(ClientDisconnected);
  });

  it("keeps memory flat while 256 MiB stream through", async () => {
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200 });
      for (let i = 0; i < 256; i++) await send({ type: "http.response.body", body: new Uint8Array(1024 * 1024).fill(i), more_body: true });
      await send({ type: "http.response.body" });
    };
    const gc = exposeGc();
    gc();
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    let total = 0;
    for await (const part of await new TestClient(app).stream("GET", "/")) {
      total += part.byteLength;
      if (total % (32 * 1024 * 1024) === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }
    }
    expect(total).toBe(256 * 1024 * 1024);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("TestClient streaming uploads", () => {
  it("keeps memory flat while a 256 MiB upload is pulled through the app", async () => {
    async function* upload(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 256; i++) yield await Promise.resolve(new Uint8Array(1024 * 1024).fill(i));
    }
    const gc = exposeGc();
    gc();
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const app: App = async (_scope, receive, send) => {
      let total = 0;
      for (;;) {
        const event = await (receive as HTTPReceive)();
        if (event.type !== "http.request") break;
        total += event.body.byteLength;
        if (total % (32 * 1024 * 1024) === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        }
        if (!event.more_body) break;
      }
      await respond(send, 200, String(total));
    };
    const response = await new TestClient(app).post("/", { body: upload() });
    expect(response.text()).toBe(String(256 * 1024 * 1024));
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("TestClient timeouts", () => {
  it("throws TestTimeoutError naming the awaited event and leaves the app running", async () => {
    const release = deferred<undefined>();
    const finished = deferred<string>();
    const app: App = async (_scope, _receive, send) => {
      await release.promise;
      await respond(send, 200, "late");
      finished.resolve("app completed");
    };
    const error = await new TestClient(app).get("/slow", { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestTimeoutError);
    expect((error as TestTimeoutError).code).toBe("ERR_TEST_TIMEOUT");
    expect((error as TestTimeoutError).message).toContain("http.response.start (GET /slow)");
    release.resolve();
    expect(await finished.promise).toBe("app completed");
  });

  it("abort() on a timeout error disconnects the still-running app", async () => {
    const seen = deferred<string>();
    const app: App = async (_scope, receive) => {
      await readBody(receive as HTTPReceive);
      seen.resolve((await receive()).type);
    };
    const error = (await new TestClient(app).get("/", { timeoutMs: 30 }).catch((e: unknown) => e)) as TestTimeoutError;
    error.abort();
    expect(await seen.promise).toBe("http.disconnect");
  });

  it("uses the client's timeoutMs when the call gives none", async () => {
    const app: App = () => new Promise<void>(() => undefined);
    const error = (await new TestClient(app, { timeoutMs: 40 }).get("/").catch((e: unknown) => e)) as TestTimeoutError;
    expect(error.timeoutMs).toBe(40);
  });
});

describe("TestClient validation", () => {
  const bodyBeforeStart: App = async (_scope, _receive, send) => {
    await send({ type: "http.response.body", body: encoder.encode("oops") });
  };

  it("wraps the app in validateApp so a protocol violation fails the request with ProtocolError", async () => {
    const error = await new TestClient(bodyBeforeStart).get("/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("ERR_PROTOCOL");
  });

  it("skips validation with validate: false", async () => {
    const error = await new TestClient(bodyBeforeStart, { validate: false }).get("/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedEventError);
    expect((error as Error).message).toContain('expected http.response.start but the app sent "http.response.body"');
  });
});
