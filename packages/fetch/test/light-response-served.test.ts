import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { serve } from "@sluice/server";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { fromFetch, type FetchHandler } from "../src/index.js";

let server: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveHandler(handler: FetchHandler): Promise<string> {
  server = await serve(fromFetch(handler), { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "critical" });
  return server.url;
}

/** Sends one raw HTTP/1.1 request and returns everything the server wrote until it closed. */
async function rawExchange(port: number, request: string): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.end(request);
  await new Promise<void>((resolve, reject) => {
    socket.on("close", () => resolve());
    socket.on("error", reject);
  });
  return Buffer.concat(chunks).toString("latin1");
}

describe("fromFetch with the lightweight global Response (the default)", () => {
  it("serves a Hono hello world with its content type and a content length", async () => {
    const hono = new Hono().get("/", (c) => c.text("Hello, World!"));
    const url = await serveHandler(hono.fetch);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(response.headers.get("content-length")).toBe("13");
    expect(await response.text()).toBe("Hello, World!");
  });

  it("writes a plain response's status, headers and several Set-Cookie values exactly", async () => {
    const url = await serveHandler(() => new Response("made", { status: 201, headers: { "X-Made-By": "light", "Set-Cookie": "a=1" } }));
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.headers.get("x-made-by")).toBe("light");
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(response.headers.getSetCookie()).toEqual(["a=1"]);
    expect(await response.text()).toBe("made");
  });

  it("sends a byte body unchanged and without a content type", async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const url = await serveHandler(() => new Response(bytes));
    const response = await fetch(url);
    expect(response.headers.get("content-type")).toBeNull();
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([...bytes]);
  });

  it("sends a multi-byte UTF-8 string body byte-exactly", async () => {
    const url = await serveHandler(() => new Response("héllo ✓ 😀"));
    const response = await fetch(url);
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength("héllo ✓ 😀")));
    expect(await response.text()).toBe("héllo ✓ 😀");
  });

  it("answers 204 with no body for a null-body response", async () => {
    const url = await serveHandler(() => new Response(null, { status: 204 }));
    const raw = await rawExchange(Number(new URL(url).port), "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    expect(raw.startsWith("HTTP/1.1 204")).toBe(true);
    expect(raw.endsWith("\r\n\r\n")).toBe(true);
  });

  it("sends no body bytes for HEAD", async () => {
    const url = await serveHandler(() => new Response("not for HEAD"));
    const raw = await rawExchange(Number(new URL(url).port), "HEAD / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    expect(raw.startsWith("HTTP/1.1 200")).toBe(true);
    expect(raw).not.toContain("not for HEAD");
    expect(raw.endsWith("\r\n\r\n")).toBe(true);
  });

  it("keeps headers a handler changed after creating the response", async () => {
    const url = await serveHandler(() => {
      const response = new Response("x");
      response.headers.set("x-late", "yes");
      response.headers.append("set-cookie", "a=1");
      response.headers.append("set-cookie", "b=2");
      return response;
    });
    const response = await fetch(url);
    expect(response.headers.get("x-late")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  it("sends the full body of a response whose clone was read inside the handler", async () => {
    const url = await serveHandler(async () => {
      const response = new Response("twice", { status: 202 });
      expect(await response.clone().text()).toBe("twice");
      return response;
    });
    const response = await fetch(url);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("twice");
  });

  it("streams a response whose body stream a handler took out", async () => {
    const url = await serveHandler(() => {
      const inner = new Response("re-wrapped");
      return new Response(inner.body, { status: 203, headers: inner.headers });
    });
    const response = await fetch(url);
    expect(response.status).toBe(203);
    expect(await response.text()).toBe("re-wrapped");
  });

  it("serves Response.json and a Hono JSON response", async () => {
    const hono = new Hono().get("/static", () => Response.json({ via: "static" }, { status: 201 })).get("/hono", (c) => c.json({ via: "hono" }));
    const url = await serveHandler(hono.fetch);
    const viaStatic = await fetch(`${url}/static`);
    expect([viaStatic.status, viaStatic.headers.get("content-type"), await viaStatic.json()]).toEqual([201, "application/json", { via: "static" }]);
    const viaHono = await fetch(`${url}/hono`);
    expect(await viaHono.json()).toEqual({ via: "hono" });
  });

  it("hands the handler a global Response that a fetched platform response is an instance of", async () => {
    const url = await serveHandler(() => new Response("upstream"));
    const fetched = await fetch(url);
    expect(fetched).toBeInstanceOf(Response);
    expect(new Response("x")).toBeInstanceOf(Response);
    expect(await fetched.text()).toBe("upstream");
  });

  it("streams a platform response a handler got from fetch() (a proxy)", async () => {
    const upstream = http.createServer((_req, res) => res.writeHead(203, { "x-upstream": "1" }).end("from upstream"));
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = upstream.address() as AddressInfo;
      const url = await serveHandler(() => fetch(`http://127.0.0.1:${port}/`));
      const response = await fetch(url);
      expect([response.status, response.headers.get("x-upstream"), await response.text()]).toEqual([203, "1", "from upstream"]);
    } finally {
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it("drops a Transfer-Encoding header a handler set, since the server frames the body itself", async () => {
    const url = await serveHandler((request) =>
      new URL(request.url).pathname === "/plain"
        ? new Response("plain body", { headers: { "transfer-encoding": "chunked" } })
        : new Response(new Blob(["blob body"]), { headers: { "transfer-encoding": "chunked" } }),
    );
    const port = Number(new URL(url).port);
    for (const [path, body] of [["/plain", "plain body"], ["/blob", "blob body"]]) {
      const raw = await rawExchange(port, `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect(raw.toLowerCase()).not.toContain("transfer-encoding");
      expect(raw.endsWith(`\r\n\r\n${body}`)).toBe(true);
    }
  });

  it("answers 500 when the handler's Response constructor throws, and keeps serving", async () => {
    const url = await serveHandler((request) => (new URL(request.url).pathname === "/bad" ? new Response("x", { status: 1000 }) : new Response("fine")));
    expect((await fetch(`${url}/bad`)).status).toBe(500);
    expect(await (await fetch(`${url}/good`)).text()).toBe("fine");
  });

  it("answers 500 when the handler returns a response whose body it already read", async () => {
    const url = await serveHandler(async () => {
      const response = new Response("used");
      await response.text();
      return response;
    });
    expect((await fetch(url)).status).toBe(500);
  });
});
