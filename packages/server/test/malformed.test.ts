import { afterEach, describe, expect, it } from "vitest";
import { RawClient, start, textApp } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function exchange(request: string | Buffer, options: Parameters<typeof start>[1] = {}): Promise<{ text: string; appCalls: number }> {
  let appCalls = 0;
  server = await start(
    textApp(() => {
      appCalls++;
      return "ok";
    }),
    options,
  );
  const client = await RawClient.open(server.port);
  client.write(request);
  const text = await client.readToEnd();
  return { text, appCalls };
}

describe("malformed requests", () => {
  it("answers 400 to a request line without a version", async () => {
    const { text, appCalls } = await exchange("GET /\r\nHost: a\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(appCalls).toBe(0);
  });

  it("answers 400 to garbage instead of a request line", async () => {
    const { text } = await exchange("\x00\x01\x02 hello\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("answers 400 to a space inside the request target", async () => {
    const { text } = await exchange("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("answers 400 to both Content-Length and Transfer-Encoding", async () => {
    const { text, appCalls } = await exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(appCalls).toBe(0);
  });

  it("answers 400 to two different Content-Length values", async () => {
    const { text, appCalls } = await exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(appCalls).toBe(0);
  });

  it("answers 400 to an invalid chunk size", async () => {
    const { text } = await exchange("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
    expect(text).toMatch(/400 Bad Request/);
  });

  it("answers 400 to a header line without a colon", async () => {
    const { text, appCalls } = await exchange("GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(appCalls).toBe(0);
  });

  it("answers 400 to invalid percent-encoding in the path without calling the app", async () => {
    const { text, appCalls } = await exchange("GET /bad%zzpath HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain("percent-encoding");
    expect(appCalls).toBe(0);
  });

  it("answers 400 to a percent-encoded path that is not UTF-8", async () => {
    const { text } = await exchange("GET /%C3%28 HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("answers 431 to a request head larger than maxHeaderSize", async () => {
    const { text, appCalls } = await exchange(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"b".repeat(4000)}\r\n\r\n`, { maxHeaderSize: 2048 });
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(appCalls).toBe(0);
  });

  it("accepts a request head just under maxHeaderSize", async () => {
    server = await start(textApp("ok"), { maxHeaderSize: 4096 });
    const client = await RawClient.open(server.port);
    client.write(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"b".repeat(3000)}\r\nConnection: close\r\n\r\n`);
    expect(await client.readToEnd()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("answers 408 and closes when the headers do not arrive within timeoutHeaders (slowloris)", async () => {
    server = await start(textApp("ok"), { timeoutHeaders: 0.3 });
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
    const text = await client.readToEnd();
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("keeps serving other clients after a malformed request", async () => {
    server = await start(textApp("still here"));
    const bad = await RawClient.open(server.port);
    bad.write("BROKEN\r\n\r\n");
    await bad.readToEnd();
    expect(await (await fetch(server.url)).text()).toBe("still here");
  });
});

describe("unsupported versions", () => {
  it("answers 505 to HTTP/2.0 in an HTTP/1 request line", async () => {
    server = await start(textApp("ok"));
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/2.0\r\nHost: a\r\n\r\n");
    expect(await client.readToEnd()).toMatch(/^HTTP\/1\.1 505 /);
  });
});
