import { connect } from "node:net";
import type { App } from "@sluice/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cors } from "../src/index.js";
import { listen, type Listening } from "./support/listen.js";

const SITE = "https://app.example.com";

/** Answers every request with JSON describing it, a Vary and a request id header. */
const api: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  const body = new TextEncoder().encode(JSON.stringify({ method: scope.method, path: scope.path }));
  await send({
    type: "http.response.start",
    status: 200,
    headers: [
      ["content-type", "application/json"],
      ["content-length", String(body.byteLength)],
      ["vary", "Accept-Encoding"],
      ["x-request-id", "42"],
    ],
  });
  await send({ type: "http.response.body", body });
};

/** Sends raw request bytes on a new connection and resolves with every byte until the server closes it. */
function rawExchange(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

describe("over a real socket", () => {
  let server: Listening;

  beforeAll(async () => {
    const middleware = cors({
      allowOrigins: [SITE],
      allowMethods: ["GET", "PUT"],
      allowHeaders: ["x-token"],
      allowCredentials: true,
      exposeHeaders: ["x-request-id"],
      maxAge: 300,
    });
    server = await listen(middleware(api));
  });

  afterAll(async () => {
    await server.close();
  });

  it("answers an allowed preflight with 200 and the allow headers", async () => {
    const response = await fetch(`${server.url}/items`, {
      method: "OPTIONS",
      headers: { origin: SITE, "access-control-request-method": "PUT", "access-control-request-headers": "x-token" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, PUT");
    expect(response.headers.get("access-control-allow-headers")).toContain("x-token");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-max-age")).toBe("300");
    expect(response.headers.get("vary")).toBe("Origin");
    expect(await response.text()).toBe("");
  });

  it("answers a refused preflight with 400 and a plain-text reason", async () => {
    const response = await fetch(`${server.url}/items`, {
      method: "OPTIONS",
      headers: { origin: SITE, "access-control-request-method": "DELETE" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await response.text()).toBe('CORS preflight rejected: method "DELETE" is not allowed (allowed: GET, PUT).\n');
  });

  it("adds the CORS headers and merges Vary on an allowed actual request", async () => {
    const response = await fetch(`${server.url}/items`, { headers: { origin: SITE, cookie: "session=1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-expose-headers")).toBe("x-request-id");
    expect(response.headers.get("vary")).toBe("Accept-Encoding, Origin");
    expect(await response.json()).toEqual({ method: "GET", path: "/items" });
  });

  it("lets the app answer a disallowed origin without CORS headers", async () => {
    const response = await fetch(`${server.url}/items`, { headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(200);
    expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(await response.json()).toEqual({ method: "GET", path: "/items" });
  });

  it("leaves a request without Origin untouched", async () => {
    const response = await fetch(`${server.url}/items`);
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });

  it("passes an OPTIONS request without Access-Control-Request-Method to the app", async () => {
    const response = await fetch(`${server.url}/items`, { method: "OPTIONS", headers: { origin: SITE } });
    expect(await response.json()).toEqual({ method: "OPTIONS", path: "/items" });
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
  });

  it("refuses a preflight whose origin and header carry non-ASCII bytes, echoing the bytes unchanged", async () => {
    const origin = Buffer.from("https://bücher.example", "utf8");
    const request = Buffer.concat([
      Buffer.from("OPTIONS /items HTTP/1.1\r\nHost: api.example\r\nConnection: close\r\nOrigin: ", "latin1"),
      origin,
      Buffer.from("\r\nAccess-Control-Request-Method: GET\r\nACCESS-CONTROL-REQUEST-HEADERS: x-token, x-\xff\r\n\r\n", "latin1"),
    ]);
    const response = await rawExchange(server.port, request);
    const head = response.subarray(0, response.indexOf("\r\n\r\n")).toString("latin1");
    const body = response.subarray(response.indexOf("\r\n\r\n") + 4);
    expect(head.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(body.includes(Buffer.concat([Buffer.from('origin "'), origin, Buffer.from('" is not allowed')]))).toBe(true);
    expect(body.includes(Buffer.from('header "x-\xff" not allowed', "latin1"))).toBe(true);
  });
});
