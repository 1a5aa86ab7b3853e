import { execFile } from "node:child_process";
import { ClientDisconnected, type App, type HTTPSendEvent, type Receive, type Scope, type Send } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { deferred, httpApp, RawClient, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MiB = 1024 * 1024;

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Serves an app that sends exactly `events` (after reading nothing). */
async function sending(events: HTTPSendEvent[], options: Parameters<typeof start>[1] = {}): Promise<Started> {
  server = await start(
    httpApp(async (_scope, _receive, send) => {
      for (const event of events) await send(event);
    }),
    options,
  );
  return server;
}

async function rawExchange(port: number, request: string): Promise<string> {
  const client = await RawClient.open(port);
  client.write(request);
  return client.readToEnd();
}

describe("responses", () => {
  it("writes a single-message response with a content-length and no chunking", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] },
      { type: "http.response.body", body: Buffer.from("Hello, World!") },
    ]);
    const text = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.toLowerCase()).toContain("content-length: 13\r\n");
    expect(text.toLowerCase()).not.toContain("transfer-encoding");
    expect(text.endsWith("\r\n\r\nHello, World!")).toBe(true);
  });

  it("sends every byte value of a small single-message body unchanged", async () => {
    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["content-type", "application/octet-stream"]] },
      { type: "http.response.body", body: everyByte },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const raw = Buffer.from(await client.readToEnd(), "latin1");
    const body = raw.subarray(raw.indexOf("\r\n\r\n") + 4);
    expect(raw.toString("latin1").toLowerCase()).toContain("content-length: 256\r\n");
    expect(body.equals(Buffer.from(everyByte))).toBe(true);
  });

  it("sends exactly the viewed bytes of a small body that is a view into a larger buffer", async () => {
    const backing = new Uint8Array(64).fill(0x2d);
    backing.set([0x00, 0xe9, 0xff, 0x41], 10);
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [] },
      { type: "http.response.body", body: backing.subarray(10, 14) },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const raw = Buffer.from(await client.readToEnd(), "latin1");
    expect([...raw.subarray(raw.indexOf("\r\n\r\n") + 4)]).toEqual([0x00, 0xe9, 0xff, 0x41]);
  });

  it("adds no content-length to a single-message response whose app chose chunked transfer-encoding", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["transfer-encoding", "chunked"]] },
      { type: "http.response.body", body: Buffer.from("Hello, World!") },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.headers).toContainEqual(["transfer-encoding", "chunked"]);
    expect(response?.headers.map(([name]) => name)).not.toContain("content-length");
    expect(response?.body).toBe("Hello, World!");
    client.destroy();
  });

  it("sends an empty single-message body as a bodiless response with content-length 0", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["x-empty", "yes"]] },
      { type: "http.response.body", body: new Uint8Array(0) },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n");
    const responses = await client.responses(2);
    for (const response of responses) {
      expect(response.headers).toContainEqual(["content-length", "0"]);
      expect(response.body).toBe("");
    }
    client.destroy();
  });

  it("keeps duplicate response headers such as set-cookie", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["set-cookie", "a=1"], ["set-cookie", "b=2"]] },
      { type: "http.response.body", body: Buffer.from("x") },
    ]);
    const response = await fetch(server.url);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  it("streams a multi-message response with chunked encoding", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200 },
      { type: "http.response.body", body: Buffer.from("ab"), more_body: true },
      { type: "http.response.body", body: Buffer.from("cd"), more_body: true },
      { type: "http.response.body", body: Buffer.from("e") },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.headers).toContainEqual(["transfer-encoding", "chunked"]);
    expect(response?.body).toBe("abcde");
    client.destroy();
  });

  it("streams without chunking when the app set content-length", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["content-length", "4"]] },
      { type: "http.response.body", body: Buffer.from("ab"), more_body: true },
      { type: "http.response.body", body: Buffer.from("cd") },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.headers).toContainEqual(["content-length", "4"]);
    expect(response?.headers.some(([name]) => name === "transfer-encoding")).toBe(false);
    expect(response?.body).toBe("abcd");
    client.destroy();
  });

  it("drops the body of a HEAD response but keeps its headers", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["content-length", "5"]] },
      { type: "http.response.body", body: Buffer.from("hello") },
    ]);
    const client = await RawClient.open(server.port);
    client.write("HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await client.until((text) => text.split("HTTP/1.1 200").length === 3 && text.endsWith("hello"));
    const head = client.text.slice(0, client.text.indexOf("\r\n\r\n") + 4);
    expect(head.toLowerCase()).toContain("content-length: 5");
    expect(client.text.indexOf("hello")).toBe(client.text.length - 5);
    client.destroy();
  });

  it("answers 500 when a single-message body contradicts the declared content-length", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["content-length", "10"]] },
      { type: "http.response.body", body: Buffer.from("short") },
    ]);
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(server.logger.text("error")).toContain("content-length-mismatch");
  });

  it("closes the connection when a streamed body exceeds the declared content-length", async () => {
    const rejected = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200, headers: [["content-length", "3"]] });
        await send({ type: "http.response.body", body: Buffer.from("ab"), more_body: true });
        await send({ type: "http.response.body", body: Buffer.from("cd"), more_body: true }).catch((error: unknown) => {
          rejected.resolve(error);
        });
      }),
    );
    const text = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text.endsWith("ab")).toBe(true);
    expect(String(await rejected.promise)).toContain("content-length-mismatch");
  });

  it("closes the connection when a streamed body ends short of the declared content-length", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200, headers: [["content-length", "10"]] },
      { type: "http.response.body", body: Buffer.from("ab"), more_body: true },
      { type: "http.response.body", body: Buffer.from("c") },
    ]);
    const text = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(text.endsWith("abc")).toBe(true);
  });

  it("sends no body for 204 and 304", async () => {
    const server = await sending([
      { type: "http.response.start", status: 204 },
      { type: "http.response.body", body: new Uint8Array() },
    ]);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const responses = await client.responses(2);
    expect(responses.map((response) => response.status)).toEqual([204, 204]);
    expect(client.text.toLowerCase()).not.toContain("content-length");
    client.destroy();
  });

  it("waits for drain: send() stays pending while a slow client is not reading", async () => {
    let sentBytes = 0;
    const finished = deferred();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        const chunk = Buffer.alloc(64 * 1024, 0x7a);
        for (let i = 0; i < 1024; i++) {
          await send({ type: "http.response.body", body: chunk, more_body: true });
          sentBytes += chunk.length;
        }
        await send({ type: "http.response.body" });
        finished.resolve();
      }),
    );
    const client = await RawClient.open(server.port);
    client.socket.pause();
    client.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    // Observation window for a negative claim: without backpressure 64 MiB would be queued at once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentBytes).toBeLessThan(16 * MiB);
    client.socket.resume();
    await finished.promise;
    expect(sentBytes).toBe(64 * MiB);
    await client.closed;
    expect(client.received).toBeGreaterThan(64 * MiB);
  });

  it("streams a 256 MiB download to curl with flat memory", async () => {
    let peakGrowth = 0;
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        collectGarbage();
        const base = process.memoryUsage().arrayBuffers;
        await send({ type: "http.response.start", status: 200 });
        for (let i = 0; i < 4096; i++) {
          await send({ type: "http.response.body", body: Buffer.alloc(64 * 1024, 0x7a), more_body: true });
          if (i % 256 === 0) {
            collectGarbage();
            peakGrowth = Math.max(peakGrowth, process.memoryUsage().arrayBuffers - base);
          }
        }
        await send({ type: "http.response.body" });
      }),
    );
    const size = await new Promise<string>((resolve, reject) => {
      execFile("curl", ["-sS", "-o", "/dev/null", "-w", "%{size_download}", server!.url], (error, stdout) => {
        if (error !== null) reject(new Error(error.message, { cause: error }));
        else resolve(stdout);
      });
    });
    expect(Number(size)).toBe(256 * MiB);
    expect(peakGrowth).toBeLessThan(32 * MiB);
  });

  it("rejects send() with ClientDisconnected after the client aborts mid-download", async () => {
    const outcome = deferred<unknown>();
    const started = deferred();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        try {
          for (;;) {
            await send({ type: "http.response.body", body: Buffer.alloc(64 * 1024), more_body: true });
            started.resolve();
          }
        } catch (error) {
          outcome.resolve(error);
          throw error;
        }
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await started.promise;
    client.destroy();
    expect(await outcome.promise).toBeInstanceOf(ClientDisconnected);
    // The escaped ClientDisconnected is not logged as an app error.
    expect(server.logger.text("error")).toBe("");
  });

  it("accepts a Uint8Array that is not a Buffer as a body", async () => {
    const server = await sending([
      { type: "http.response.start", status: 200 },
      { type: "http.response.body", body: new TextEncoder().encode("typed") },
    ]);
    expect(await (await fetch(server.url)).text()).toBe("typed");
  });
});

describe("app errors", () => {
  it("answers 500 with a short plain body and logs the stack when the app throws before starting", async () => {
    server = await start(
      httpApp(() => Promise.reject(new Error("kaboom"))),
    );
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("Internal Server Error\n");
    expect(server.logger.text("error")).toMatch(/kaboom\n\s+at /);
  });

  it("answers 500 when the app throws after http.response.start but before any body", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200, headers: [["x-app", "1"]] });
        throw new Error("late");
      }),
    );
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(response.headers.get("x-app")).toBeNull();
  });

  it("answers 500 and keeps serving when a plain (non-async) app throws synchronously", async () => {
    let calls = 0;
    const app: App = (scope, _receive, send) => {
      calls++;
      if (calls === 1) throw new Error("sync kaboom");
      if (scope.type !== "http") return Promise.resolve();
      return send({ type: "http.response.start", status: 200 }).then(() => send({ type: "http.response.body", body: Buffer.from("second") }));
    };
    server = await start(app);
    const first = await fetch(server.url);
    expect(first.status).toBe(500);
    expect(await first.text()).toBe("Internal Server Error\n");
    expect(server.logger.text("error")).toMatch(/sync kaboom\n\s+at /);
    expect(await (await fetch(server.url)).text()).toBe("second");
  });

  it("accepts an app that completes the response and returns undefined instead of a promise", async () => {
    const app = ((scope: Scope, _receive: Receive, send: Send) => {
      if (scope.type !== "http") return;
      void send({ type: "http.response.start", status: 200 });
      void send({ type: "http.response.body", body: Buffer.from("no promise") });
    }) as unknown as App;
    server = await start(app);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("no promise");
    expect(server.logger.text("error")).toBe("");
  });

  it("answers 500 when the app returns without sending a response", async () => {
    server = await start(httpApp(() => Promise.resolve()));
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(server.logger.text("error")).toContain("without completing the response");
  });

  it("truncates the response by closing the connection when the app throws mid-stream", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("partial"), more_body: true });
        throw new Error("mid-stream");
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const text = await client.readToEnd();
    expect(text).toContain("partial");
    expect(text).not.toContain("0\r\n\r\n");
    expect(server.logger.text("error")).toContain("mid-stream");
  });

  it("rejects an invalid header with a ProtocolError and answers 500", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200, headers: [["bad header", "x"]] });
        await send({ type: "http.response.body", body: Buffer.from("x") });
      }),
    );
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(server.logger.text("error")).toContain("response-headers");
  });

  it("rejects http.response.body before http.response.start with a ProtocolError", async () => {
    const error = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.body", body: Buffer.from("x") }).catch((e: unknown) => {
          error.resolve(e);
        });
        await send({ type: "http.response.start", status: 204 });
        await send({ type: "http.response.body" });
      }),
    );
    expect((await fetch(server.url)).status).toBe(204);
    expect(await error.promise).toMatchObject({ code: "ERR_PROTOCOL", rule: "response-start-first" });
  });

  it("rejects a second http.response.start with a ProtocolError", async () => {
    const error = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.start", status: 201 }).catch((e: unknown) => {
          error.resolve(e);
        });
        await send({ type: "http.response.body", body: Buffer.from("first") });
      }),
    );
    expect(await (await fetch(server.url)).text()).toBe("first");
    expect(await error.promise).toMatchObject({ rule: "response-start-once" });
  });

  it("rejects an informational status in http.response.start", async () => {
    const server = await sending([{ type: "http.response.start", status: 101 }]);
    expect((await fetch(server.url)).status).toBe(500);
    expect(server.logger.text("error")).toContain("response-status");
  });

  it("keeps serving after an app error", async () => {
    let calls = 0;
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        calls++;
        if (calls === 1) throw new Error("first fails");
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("fine") });
      }),
    );
    expect((await fetch(server.url)).status).toBe(500);
    expect(await (await fetch(server.url)).text()).toBe("fine");
  });
});

describe("keep-alive and pipelining", () => {
  it("answers pipelined requests in order even when later ones finish first", async () => {
    server = await start(
      httpApp(async (scope, _receive, send) => {
        const delay = scope.path === "/slow" ? 50 : 0;
        await new Promise((resolve) => setTimeout(resolve, delay));
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(scope.path) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /fast HTTP/1.1\r\nHost: a\r\n\r\nGET /third HTTP/1.1\r\nHost: a\r\n\r\n");
    const responses = await client.responses(3);
    expect(responses.map((response) => response.body)).toEqual(["/slow", "/fast", "/third"]);
    client.destroy();
  });

  it("reuses one connection for sequential requests", async () => {
    server = await start(
      httpApp(async (scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(`${scope.client?.[1] ?? 0}`) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [first] = await client.responses(1);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const both = await client.responses(2);
    expect(first?.headers).toContainEqual(["connection", "keep-alive"]);
    expect(both[1]?.body).toBe(first?.body);
    client.destroy();
  });

  it("keeps the connection open when the app answers a bodiless request without awaiting anything first", async () => {
    server = await start(
      httpApp((scope, _receive, send) => {
        // Both messages are sent while the server is still inside its request handler.
        void send({ type: "http.response.start", status: 200 });
        return send({ type: "http.response.body", body: Buffer.from(scope.path) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
    const [first] = await client.responses(1);
    expect(first?.headers).toContainEqual(["connection", "keep-alive"]);
    client.write("GET /two HTTP/1.1\r\nHost: a\r\n\r\n");
    const both = await client.responses(2);
    expect(both[1]?.body).toBe("/two");
    client.destroy();
  });

  it("closes an idle keep-alive connection after timeoutKeepAlive", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 204 });
        await send({ type: "http.response.body" });
      }),
      { timeoutKeepAlive: 0.2 },
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.headers).toContainEqual(["keep-alive", "timeout=0"]);
    await client.closed;
    expect(client.socket.destroyed).toBe(true);
  });
});
