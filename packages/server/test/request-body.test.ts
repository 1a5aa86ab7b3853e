import { execFile } from "node:child_process";
import { ClientDisconnected, type HTTPReceiveEvent } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { deferred, httpApp, RawClient, readBody, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MiB = 1024 * 1024;

/** Runs a full GC (vitest runs with --expose-gc) so memory figures show live data only. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs a command and resolves with its stdout. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error !== null) reject(new Error(error.message, { cause: error }));
      else resolve(stdout);
    });
  });
}

describe("request bodies", () => {
  it("delivers the body in http.request events ending with more_body false", async () => {
    const events: Array<{ size: number; more: boolean }> = [];
    server = await start(
      httpApp(async (_scope, receive, send) => {
        for (;;) {
          const event = await receive();
          if (event.type !== "http.request") break;
          events.push({ size: event.body.length, more: event.more_body });
          if (!event.more_body) break;
        }
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(String(events.reduce((sum, e) => sum + e.size, 0))) });
      }),
    );
    const response = await fetch(server.url, { method: "POST", body: Buffer.alloc(MiB, 1) });
    expect(await response.text()).toBe(String(MiB));
    expect(events.at(-1)?.more).toBe(false);
    expect(events.slice(0, -1).every((event) => event.more)).toBe(true);
  });

  it("gives a bodyless GET one empty http.request event with more_body false", async () => {
    const seen: HTTPReceiveEvent[] = [];
    server = await start(
      httpApp(async (_scope, receive, send) => {
        seen.push(await receive());
        await send({ type: "http.response.start", status: 204 });
        await send({ type: "http.response.body" });
      }),
    );
    await fetch(server.url);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: "http.request", more_body: false });
    expect((seen[0] as { body: Uint8Array }).body.length).toBe(0);
  });

  it("streams a 256 MiB upload from curl with flat memory", async () => {
    let peakGrowth = 0;
    server = await start(
      httpApp(async (_scope, receive, send) => {
        collectGarbage();
        const base = process.memoryUsage().arrayBuffers;
        let total = 0;
        let events = 0;
        for (;;) {
          const event = await receive();
          if (event.type !== "http.request") break;
          total += event.body.length;
          if (++events % 256 === 0) {
            collectGarbage();
            peakGrowth = Math.max(peakGrowth, process.memoryUsage().arrayBuffers - base);
          }
          if (!event.more_body) break;
        }
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(String(total)) });
      }),
    );
    const total = 256 * MiB;
    const output = await run("sh", ["-c", `head -c ${total} /dev/zero | curl -sS -T - -X POST ${server.url}/upload`]);
    expect(output).toBe(String(total));
    expect(peakGrowth).toBeLessThan(32 * MiB);
  });

  it("does not read the socket while the app is not calling receive()", async () => {
    const release = deferred();
    let received = 0;
    server = await start(
      httpApp(async (_scope, receive, send) => {
        await release.promise;
        received = (await readBody(receive)).length;
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("done") });
      }),
    );
    const size = 64 * MiB;
    const client = await RawClient.open(server.port);
    client.write(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
    client.write(Buffer.alloc(size, 0x62));
    // Observation window for a negative claim: an eager server would drain 64 MiB over loopback in far less.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.socket.writableLength).toBeGreaterThan(32 * MiB);
    release.resolve();
    const text = await client.readToEnd();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toBe(size);
  });

  it("answers a request whose small body the app never reads, and keeps the connection usable", async () => {
    server = await start(
      httpApp(async (scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(scope.path) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n");
    client.write(Buffer.alloc(20000, 0x63));
    client.write("GET /second HTTP/1.1\r\nHost: a\r\n\r\n");
    const responses = await client.responses(2);
    expect(responses.map((response) => response.body)).toEqual(["/first", "/second"]);
    client.destroy();
  });

  it("keeps the connection usable when the app answers after reading only part of a small body", async () => {
    const firstChunkRead = deferred<number>();
    server = await start(
      httpApp(async (scope, receive, send) => {
        if (scope.method === "POST") {
          const event = await receive();
          firstChunkRead.resolve(event.type === "http.request" ? event.body.length : -1);
        }
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(scope.path) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n");
    client.write(Buffer.alloc(5000, 0x63));
    expect(await firstChunkRead.promise).toBe(5000);
    client.write(Buffer.alloc(15000, 0x63));
    client.write("GET /second HTTP/1.1\r\nHost: a\r\n\r\n");
    const responses = await client.responses(2);
    expect(responses.map((response) => response.body)).toEqual(["/first", "/second"]);
    client.destroy();
  });

  it("closes the connection after answering a request whose large body the app never reads", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 401 });
        await send({ type: "http.response.body", body: Buffer.from("denied") });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${64 * MiB}\r\n\r\n`);
    client.write(Buffer.alloc(MiB, 0x63));
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 401, body: "denied" });
    expect(response?.headers).toContainEqual(["connection", "close"]);
    await client.closed;
  });

  it("delivers http.disconnect when the client aborts mid-upload", async () => {
    const gotDisconnect = deferred<HTTPReceiveEvent>();
    const firstChunk = deferred();
    server = await start(
      httpApp(async (_scope, receive) => {
        for (;;) {
          const event = await receive();
          if (event.type === "http.request") {
            firstChunk.resolve();
            if (!event.more_body) break;
            continue;
          }
          gotDisconnect.resolve(event);
          break;
        }
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n");
    client.write(Buffer.alloc(1000, 0x64));
    await firstChunk.promise;
    client.destroy();
    expect(await gotDisconnect.promise).toEqual({ type: "http.disconnect" });
  });

  it("returns http.disconnect from receive() once the response is complete", async () => {
    const after = deferred<HTTPReceiveEvent>();
    server = await start(
      httpApp(async (_scope, receive, send) => {
        await readBody(receive);
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("ok") });
        after.resolve(await receive());
      }),
    );
    await (await fetch(server.url)).text();
    expect(await after.promise).toEqual({ type: "http.disconnect" });
  });

  it("queues a receive() made while another still waits, handing each call its own chunk in order", async () => {
    const firstArrived = deferred();
    const seen: string[] = [];
    server = await start(
      httpApp(async (_scope, receive, send) => {
        const first = receive();
        const second = receive();
        const describe = (event: HTTPReceiveEvent): string =>
          event.type === "http.request" ? `${Buffer.from(event.body).toString()}:${String(event.more_body)}` : event.type;
        seen.push(describe(await first));
        firstArrived.resolve();
        seen.push(describe(await second));
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(seen.join(",")) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc");
    await firstArrived.promise;
    client.write("def");
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 200, body: "abc:true,def:false" });
    client.destroy();
  });

  it("answers receive() at once with an empty final event when Content-Length is 0", async () => {
    server = await start(
      httpApp(async (_scope, receive, send) => {
        const event = await receive();
        const text = event.type === "http.request" ? `${String(event.body.length)}:${String(event.more_body)}` : event.type;
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(text) });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 200, body: "0:false" });
    client.destroy();
  });

  it("keeps a receive() made after the body pending until the response completes", async () => {
    const order: string[] = [];
    server = await start(
      httpApp(async (_scope, receive, send) => {
        await readBody(receive);
        const waiting = receive().then((event) => order.push(`receive:${event.type}`));
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("a"), more_body: true });
        order.push("sent-first");
        order.push("sending-last");
        await send({ type: "http.response.body", body: Buffer.from("b") });
        await waiting;
      }),
    );
    expect(await (await fetch(server.url)).text()).toBe("ab");
    // The disconnect comes only once the last body message is on its way, never after the first.
    expect(order).toEqual(["sent-first", "sending-last", "receive:http.disconnect"]);
  });
});

describe("Expect: 100-continue", () => {
  it("sends 100 Continue only when the app first calls receive()", async () => {
    const release = deferred();
    server = await start(
      httpApp(async (_scope, receive, send) => {
        await release.promise;
        const body = await readBody(receive);
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.text).toBe("");
    release.resolve();
    await client.until((text) => text.includes("100 Continue"));
    client.write("hello");
    const [interim, final] = await client.responses(2);
    expect(interim?.status).toBe(100);
    expect(final).toMatchObject({ status: 200, body: "hello" });
    client.destroy();
  });

  it("never sends 100 Continue when the app answers without reading the body", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 403 });
        await send({ type: "http.response.body", body: Buffer.from("no") });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 403, body: "no" });
    expect(client.text).not.toContain("100 Continue");
    client.destroy();
  });
});

describe("limitRequestBody", () => {
  it("answers 413 without calling the app when Content-Length exceeds the limit", async () => {
    let called = false;
    server = await start(
      httpApp(() => {
        called = true;
        return Promise.resolve();
      }),
      { limitRequestBody: 1000 },
    );
    const response = await fetch(server.url, { method: "POST", body: Buffer.alloc(2000) });
    expect(response.status).toBe(413);
    expect(called).toBe(false);
  });

  it("answers 413 and hands the app http.disconnect when a chunked body grows past the limit", async () => {
    const last = deferred<HTTPReceiveEvent>();
    server = await start(
      httpApp(async (_scope, receive) => {
        for (;;) {
          const event = await receive();
          if (event.type === "http.disconnect" || !event.more_body) {
            last.resolve(event);
            return;
          }
        }
      }),
      { limitRequestBody: 1000 },
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.write(`800\r\n${"x".repeat(0x800)}\r\n0\r\n\r\n`);
    const [response] = await client.responses(1);
    expect(response?.status).toBe(413);
    expect(await last.promise).toEqual({ type: "http.disconnect" });
    client.destroy();
  });

  it("rejects the app's later sends with ClientDisconnected after the server answered 413", async () => {
    const sendError = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, receive, send) => {
        while ((await receive()).type !== "http.disconnect");
        await send({ type: "http.response.start", status: 200 }).catch((error: unknown) => {
          sendError.resolve(error);
        });
      }),
      { limitRequestBody: 10 },
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + "y".repeat(64) + "\r\n0\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.status).toBe(413);
    expect(await sendError.promise).toBeInstanceOf(ClientDisconnected);
    client.destroy();
  });

  it("accepts a body exactly at the limit", async () => {
    server = await start(
      httpApp(async (_scope, receive, send) => {
        const body = await readBody(receive);
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(String(body.length)) });
      }),
      { limitRequestBody: 1000 },
    );
    const response = await fetch(server.url, { method: "POST", body: Buffer.alloc(1000) });
    expect(await response.text()).toBe("1000");
  });
});
