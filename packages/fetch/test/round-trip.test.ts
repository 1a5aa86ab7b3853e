import { describe, expect, it } from "vitest";
import { fromFetch, toFetch, type FetchHandler } from "../src/index.js";

/** A plain fetch handler covering the shapes a round trip must keep. */
const handler: FetchHandler = async (request) => {
  const url = new URL(request.url);
  if (url.pathname === "/echo") {
    const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    return Response.json(
      { method: request.method, path: url.pathname, query: url.search, custom: request.headers.get("x-custom"), body },
      { headers: { "x-handler": "plain" } },
    );
  }
  if (url.pathname.startsWith("/status/")) {
    const status = Number(url.pathname.slice("/status/".length));
    return new Response(status === 204 || status === 304 ? null : `status ${status}`, { status });
  }
  if (url.pathname === "/cookies") {
    const headers = new Headers();
    headers.append("set-cookie", "session=abc; HttpOnly");
    headers.append("set-cookie", "theme=dark; Path=/");
    return new Response("cookies", { headers });
  }
  if (url.pathname === "/stream") {
    let n = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode(`part ${++n};`));
          if (n === 3) controller.close();
        },
      }),
      { headers: { "content-type": "text/plain" } },
    );
  }
  if (url.pathname === "/binary") {
    return new Response(new Uint8Array(Array.from({ length: 256 }, (_, i) => i)), { headers: { "content-type": "application/octet-stream" } });
  }
  return new Response("not found", { status: 404 });
};

interface Case {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

const cases: Case[] = [
  { method: "GET", path: "/echo?x=1&y=%20z", headers: { "x-custom": "value" } },
  { method: "POST", path: "/echo", body: "posted body", headers: { "content-type": "text/plain" } },
  { method: "PUT", path: "/echo", body: "é unicode ✓" },
  { method: "PATCH", path: "/echo", body: "{}" },
  { method: "DELETE", path: "/echo" },
  { method: "HEAD", path: "/echo" },
  { method: "GET", path: "/status/201" },
  { method: "GET", path: "/status/204" },
  { method: "GET", path: "/status/304" },
  { method: "GET", path: "/status/418" },
  { method: "GET", path: "/status/500" },
  { method: "GET", path: "/cookies" },
  { method: "GET", path: "/stream" },
  { method: "GET", path: "/binary" },
  { method: "GET", path: "/missing" },
];

async function snapshot(response: Response): Promise<unknown> {
  const headers = [...response.headers].filter(([name]) => name !== "set-cookie").sort();
  return {
    status: response.status,
    headers,
    cookies: response.headers.getSetCookie(),
    body: [...new Uint8Array(await response.arrayBuffer())],
  };
}

function makeRequest(c: Case): Request {
  return new Request(`http://round.trip${c.path}`, { method: c.method, headers: c.headers ?? {}, ...(c.body === undefined ? {} : { body: c.body }) });
}

describe("toFetch(fromFetch(handler))", () => {
  const roundTrip = toFetch(fromFetch(handler));
  for (const c of cases) {
    it(`answers ${c.method} ${c.path} exactly as the handler itself`, async () => {
      const direct = await snapshot(await handler(makeRequest(c)));
      const viaSluice = await snapshot(await roundTrip(makeRequest(c)));
      if (c.method === "HEAD") {
        expect({ ...(viaSluice as object), body: [] }).toEqual({ ...(direct as object), body: [] });
      } else {
        expect(viaSluice).toEqual(direct);
      }
    });
  }
});

describe("toFetch(fromFetch(handler, { lazyRequest: false }))", () => {
  const roundTrip = toFetch(fromFetch(handler, { lazyRequest: false }));
  for (const c of cases.filter((each) => each.path === "/echo" && each.method !== "HEAD")) {
    it(`answers ${c.method} ${c.path} exactly as the handler itself`, async () => {
      const direct = await snapshot(await handler(makeRequest(c)));
      expect(await snapshot(await roundTrip(makeRequest(c)))).toEqual(direct);
    });
  }

  it("hands the handler a Request built up front rather than the lazy stand-in", async () => {
    let prototype: unknown;
    const eager = toFetch(
      fromFetch(
        (request) => {
          prototype = Object.getPrototypeOf(request);
          return new Response("ok");
        },
        { lazyRequest: false },
      ),
    );
    expect(await (await eager(new Request("http://round.trip/"))).text()).toBe("ok");
    expect(prototype).toBe(Request.prototype);
  });
});
