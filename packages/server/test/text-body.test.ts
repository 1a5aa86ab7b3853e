import { ClientDisconnected, ProtocolError, sendTextBody, type HTTPResponseStartEvent } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { deferred, httpApp, RawClient, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PLAIN: HTTPResponseStartEvent = { type: "http.response.start", status: 200, headers: [["content-type", "text/plain; charset=utf-8"]] };

/** Serves an app that sends `start` and then `text` through sendTextBody. */
async function servingText(text: string, start_: HTTPResponseStartEvent = PLAIN): Promise<Started> {
  server = await start(
    httpApp(async (_scope, _receive, send) => {
      await send(start_);
      await sendTextBody(send, text);
    }),
  );
  return server;
}

/** One raw request on its own connection; the whole answer as bytes. */
async function rawBytes(port: number, request: string): Promise<Buffer> {
  const client = await RawClient.open(port);
  client.write(request);
  return Buffer.from(await client.readToEnd(), "latin1");
}

function bodyOf(raw: Buffer): Buffer {
  return raw.subarray(raw.indexOf("\r\n\r\n") + 4);
}

describe("sendTextBody on @sluice/server", () => {
  it("writes an ASCII text as the whole body, with its content-length and no chunking", async () => {
    const { port } = await servingText("Hello, World!");
    const raw = await rawBytes(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const head = raw.toString("latin1").toLowerCase();
    expect(head).toMatch(/^http\/1\.1 200 ok\r\n/);
    expect(head).toContain("content-length: 13\r\n");
    expect(head).not.toContain("transfer-encoding");
    expect(bodyOf(raw).toString("latin1")).toBe("Hello, World!");
  });

  it("sends an empty text as a bodiless response with content-length 0", async () => {
    const { port } = await servingText("");
    const raw = await rawBytes(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const text = raw.toString("latin1");
    expect(text.toLowerCase()).toContain("content-length: 0\r\n");
    expect(text.endsWith("\r\n\r\n")).toBe(true);
  });

  it("sends non-ASCII text as UTF-8, with the byte length as content-length", async () => {
    const text = "grüße, ☃ and 🎉";
    const { port } = await servingText(text);
    const raw = await rawBytes(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(raw.toString("latin1").toLowerCase()).toContain(`content-length: ${Buffer.byteLength(text)}\r\n`);
    expect(bodyOf(raw).equals(Buffer.from(text, "utf8"))).toBe(true);
  });

  it("sends a text longer than 64 KiB intact", async () => {
    const text = "0123456789abcdef".repeat(10_000);
    const { url } = await servingText(text);
    const response = await fetch(url);
    expect(response.headers.get("content-length")).toBe(String(text.length));
    expect(await response.text()).toBe(text);
  });

  it("keeps a content-length the app declared when the text matches it", async () => {
    const { url } = await servingText("exactly", { type: "http.response.start", status: 200, headers: [["content-length", "7"]] });
    const response = await fetch(url);
    expect(response.headers.get("content-length")).toBe("7");
    expect(await response.text()).toBe("exactly");
  });

  it("answers 500 when the text contradicts the declared content-length", async () => {
    const { url, logger } = await servingText("short", { type: "http.response.start", status: 200, headers: [["content-length", "10"]] });
    const response = await fetch(url);
    expect(response.status).toBe(500);
    expect(logger.text("error")).toContain("content-length-mismatch");
  });

  it("sends headers but no body for HEAD", async () => {
    const { port } = await servingText("Hello, World!");
    const raw = await rawBytes(port, "HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const text = raw.toString("latin1");
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith("\r\n\r\n")).toBe(true);
  });

  it("sends no body for a 204", async () => {
    const { port } = await servingText("ignored", { type: "http.response.start", status: 204 });
    const raw = await rawBytes(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const text = raw.toString("latin1");
    expect(text).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(text.endsWith("\r\n\r\n")).toBe(true);
  });

  it("ends a streamed response with the text as its last chunk", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send(PLAIN);
        await send({ type: "http.response.body", body: Buffer.from("first part, "), more_body: true });
        await sendTextBody(send, "last part ✓");
      }),
    );
    const response = await fetch(server.url);
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(await response.text()).toBe("first part, last part ✓");
  });

  it("answers several requests on one keep-alive connection", async () => {
    const { port } = await servingText("again");
    const client = await RawClient.open(port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const responses = await client.responses(3);
    expect(responses.map((response) => response.body)).toEqual(["again", "again", "again"]);
    client.destroy();
  });

  it("rejects with ClientDisconnected once the client has gone", async () => {
    const outcome = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, receive, send) => {
        await send(PLAIN);
        await receive(); // the (empty) request body
        await receive(); // resolves with http.disconnect once the client closes
        try {
          await sendTextBody(send, "too late");
        } catch (error) {
          outcome.resolve(error);
          throw error;
        }
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    client.destroy();
    expect(await outcome.promise).toBeInstanceOf(ClientDisconnected);
  });

  it("refuses a text after the response is complete, with a ProtocolError", async () => {
    const outcome = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send(PLAIN);
        await sendTextBody(send, "done");
        await sendTextBody(send, "once more").catch((error: unknown) => outcome.resolve(error));
      }),
    );
    expect(await (await fetch(server.url)).text()).toBe("done");
    const error = await outcome.promise;
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toContain("after the response was complete");
  });

  it("refuses a text before http.response.start, with a ProtocolError", async () => {
    const outcome = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await sendTextBody(send, "no head yet").catch((error: unknown) => outcome.resolve(error));
        await send(PLAIN);
        await sendTextBody(send, "recovered");
      }),
    );
    expect(await (await fetch(server.url)).text()).toBe("recovered");
    expect(await outcome.promise).toBeInstanceOf(ProtocolError);
  });
});
