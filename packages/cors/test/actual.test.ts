import type { App, HTTPScope, SendEvent } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { cors } from "../src/index.js";
import { call, corsHeaderNames, httpScope, single, values } from "./helpers.js";

const SITE = "https://app.example.com";
const OTHER = "https://evil.example";

describe("actual requests from an allowed origin", () => {
  const listed = cors({ allowOrigins: [SITE, "http://localhost:5173"] });

  it("echo the origin in Access-Control-Allow-Origin and add Vary: Origin", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]]);
    expect(outcome.appCalls).toBe(1);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toBe("inner");
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
    expect(single(outcome.headers, "vary")).toBe("Origin");
    expect(single(outcome.headers, "content-type")).toBe("text/plain");
  });

  it("get no credentials or expose headers unless configured", async () => {
    const outcome = await call(listed, "POST", [["origin", "http://localhost:5173"]]);
    expect(corsHeaderNames(outcome.headers)).toEqual(["access-control-allow-origin"]);
  });

  it("get Access-Control-Allow-Credentials: true when credentials are allowed", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowCredentials: true }), "GET", [["origin", SITE], ["cookie", "session=1"]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
    expect(single(outcome.headers, "access-control-allow-credentials")).toBe("true");
  });

  it("get Access-Control-Expose-Headers listing the configured headers", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], exposeHeaders: ["X-Request-Id", "x-total"] }), "GET", [["origin", SITE]]);
    expect(single(outcome.headers, "access-control-expose-headers")).toBe("X-Request-Id, x-total");
  });

  it('get a literal "*" and no Vary when origins are "*" without credentials', async () => {
    const outcome = await call(cors({ allowOrigins: "*" }), "GET", [["origin", OTHER]], [["vary", "Accept-Encoding"]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe("*");
    expect(single(outcome.headers, "vary")).toBe("Accept-Encoding");
  });

  it("replace CORS headers the app set itself", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]], [
      ["Access-Control-Allow-Origin", "*"],
      ["access-control-allow-credentials", "true"],
    ]);
    expect(values(outcome.headers, "access-control-allow-origin")).toEqual([SITE]);
    expect(values(outcome.headers, "access-control-allow-credentials")).toEqual([]);
  });

  it("are recognised whatever the case of the Origin header name", async () => {
    const outcome = await call(listed, "GET", [["ORIGIN", SITE]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
  });

  it("compare the origin value exactly, so a different scheme or port is another origin", async () => {
    expect(corsHeaderNames((await call(listed, "GET", [["origin", "http://app.example.com"]])).headers)).toEqual([]);
    expect(corsHeaderNames((await call(listed, "GET", [["origin", "http://localhost:5174"]])).headers)).toEqual([]);
  });
});

describe("Vary merging", () => {
  const listed = cors({ allowOrigins: [SITE] });

  it("appends Origin to the app's Vary header", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]], [["Vary", "Accept-Encoding"]]);
    expect(values(outcome.headers, "vary")).toEqual(["Accept-Encoding, Origin"]);
  });

  it("merges several Vary headers of the app into one", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]], [["vary", "Accept"], ["vary", "Accept-Language"]]);
    expect(values(outcome.headers, "vary")).toEqual(["Accept, Accept-Language, Origin"]);
  });

  it("does not repeat Origin when the app already varies on it", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]], [["vary", "origin, Cookie"]]);
    expect(values(outcome.headers, "vary")).toEqual(["origin, Cookie"]);
  });

  it("keeps Vary: * as it is", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]], [["vary", "*"]]);
    expect(values(outcome.headers, "vary")).toEqual(["*"]);
  });

  it("adds Vary: Origin when the app sent no Vary", async () => {
    const outcome = await call(listed, "GET", [["origin", SITE]], [["content-type", "text/plain"]]);
    expect(outcome.headers).toEqual([
      ["content-type", "text/plain"],
      ["access-control-allow-origin", SITE],
      ["vary", "Origin"],
    ]);
  });

  it("adds Vary: Origin to a disallowed origin's response when the app sent no Vary", async () => {
    const outcome = await call(listed, "GET", [["origin", OTHER]], [["content-type", "text/plain"]]);
    expect(outcome.headers).toEqual([
      ["content-type", "text/plain"],
      ["vary", "Origin"],
    ]);
  });

  it("adds Vary: Origin to responses for disallowed origins, whose answer also depends on the origin", async () => {
    const outcome = await call(listed, "GET", [["origin", OTHER]], [["vary", "Accept-Encoding"]]);
    expect(values(outcome.headers, "vary")).toEqual(["Accept-Encoding, Origin"]);
  });
});

describe("actual requests from a disallowed origin", () => {
  const listed = cors({ allowOrigins: [SITE], allowCredentials: true, exposeHeaders: ["x-total"] });

  it("reach the app and get its answer without any CORS header", async () => {
    const outcome = await call(listed, "DELETE", [["origin", OTHER]]);
    expect(outcome.appCalls).toBe(1);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toBe("inner");
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });

  it("include the null origin unless it is listed", async () => {
    const outcome = await call(listed, "GET", [["origin", "null"]]);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });
});

describe("requests without Origin", () => {
  it("pass to the app untouched, without CORS or Vary headers", async () => {
    const appHeaders: Array<[string, string]> = [["content-type", "text/plain"], ["vary", "Accept-Encoding"]];
    const outcome = await call(cors({ allowOrigins: [SITE], allowCredentials: true }), "GET", [["host", "api.example.com"]], appHeaders);
    expect(outcome.appCalls).toBe(1);
    expect(outcome.headers).toEqual(appHeaders);
  });

  it("receive the very same send function the server gave", async () => {
    let seenSend: unknown;
    const serverSend = (_event: SendEvent) => Promise.resolve();
    const inner: App = (_scope, _receive, send) => {
      seenSend = send;
      return Promise.resolve();
    };
    await cors({ allowOrigins: [SITE] })(inner)(
      httpScope("GET", []),
      () => Promise.resolve({ type: "http.disconnect" }),
      serverSend,
    );
    expect(seenSend).toBe(serverSend);
  });
});

describe("allowOriginRegex", () => {
  const regex = cors({ allowOriginRegex: String.raw`https://[a-z0-9-]+\.example\.com` });

  it("allows an origin the regex matches in full", async () => {
    const outcome = await call(regex, "GET", [["origin", "https://tenant-1.example.com"]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe("https://tenant-1.example.com");
    expect(single(outcome.headers, "vary")).toBe("Origin");
  });

  it("refuses an origin that only starts with a match", async () => {
    const outcome = await call(regex, "GET", [["origin", "https://tenant.example.com.evil.example"]]);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });

  it("refuses an origin that only ends with a match", async () => {
    const outcome = await call(regex, "GET", [["origin", "http://x/https://tenant.example.com"]]);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });

  it("anchors every alternative of the regex, not just the first and last", async () => {
    const alternatives = cors({ allowOriginRegex: String.raw`https://a\.example|https://b\.example` });
    const outcome = await call(alternatives, "GET", [["origin", "https://a.example.evil.example"]]);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });

  it("accepts a pattern that is already anchored", async () => {
    const anchored = cors({ allowOriginRegex: String.raw`^https://app\.example\.com$` });
    expect(single((await call(anchored, "GET", [["origin", SITE]])).headers, "access-control-allow-origin")).toBe(SITE);
  });

  it("keeps the flags of a RegExp, such as case-insensitivity", async () => {
    const insensitive = cors({ allowOriginRegex: /https:\/\/APP\.EXAMPLE\.COM/i });
    const outcome = await call(insensitive, "GET", [["origin", SITE]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
  });

  it("gives the same answer every time for a RegExp with the global flag", async () => {
    const global = cors({ allowOriginRegex: /https:\/\/app\.example\.com/g });
    const first = await call(global, "GET", [["origin", SITE]]);
    const second = await call(global, "GET", [["origin", SITE]]);
    expect(single(first.headers, "access-control-allow-origin")).toBe(SITE);
    expect(single(second.headers, "access-control-allow-origin")).toBe(SITE);
  });

  it("is not consulted for the null origin", async () => {
    const loose = cors({ allowOriginRegex: ".*" });
    expect(corsHeaderNames((await call(loose, "GET", [["origin", "null"]])).headers)).toEqual([]);
  });

  it("is not consulted for a malformed origin value", async () => {
    const loose = cors({ allowOriginRegex: ".*" });
    expect(corsHeaderNames((await call(loose, "GET", [["origin", "https://a.example, https://b.example"]])).headers)).toEqual([]);
  });

  it("decides preflights too", async () => {
    const ok = await call(regex, "OPTIONS", [["origin", "https://t.example.com"], ["access-control-request-method", "GET"]]);
    const refused = await call(regex, "OPTIONS", [["origin", "https://t.example.org"], ["access-control-request-method", "GET"]]);
    expect(ok.status).toBe(200);
    expect(refused.status).toBe(400);
  });
});

describe("allowOrigin predicate", () => {
  it("allows an origin when it returns true and receives the request scope", async () => {
    const seen: Array<[string, string]> = [];
    const predicate = cors({
      allowOrigin: (origin: string, scope: HTTPScope) => {
        seen.push([origin, scope.path]);
        return origin.endsWith(".partner.example");
      },
    });
    const outcome = await call(predicate, "GET", [["origin", "https://shop.partner.example"]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe("https://shop.partner.example");
    expect(seen).toEqual([["https://shop.partner.example", "/api/items"]]);
  });

  it("refuses an origin when it returns false", async () => {
    const predicate = cors({ allowOrigin: () => false });
    expect(corsHeaderNames((await call(predicate, "GET", [["origin", SITE]])).headers)).toEqual([]);
  });

  it("is combined with listed origins, either allowing", async () => {
    const both = cors({ allowOrigins: [SITE], allowOrigin: (origin) => origin === "https://b.example" });
    expect(single((await call(both, "GET", [["origin", SITE]])).headers, "access-control-allow-origin")).toBe(SITE);
    expect(single((await call(both, "GET", [["origin", "https://b.example"]])).headers, "access-control-allow-origin")).toBe(
      "https://b.example",
    );
  });

  it("refuses when a JavaScript predicate returns something other than true, such as a promise", async () => {
    const asyncPredicate = cors({ allowOrigin: (() => Promise.resolve(true)) as unknown as () => boolean });
    expect(corsHeaderNames((await call(asyncPredicate, "GET", [["origin", SITE]])).headers)).toEqual([]);
  });

  it("is not consulted for the null origin", async () => {
    let calls = 0;
    const predicate = cors({
      allowOrigin: () => {
        calls += 1;
        return true;
      },
    });
    const outcome = await call(predicate, "GET", [["origin", "null"]]);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
    expect(calls).toBe(0);
  });

  it("decides preflights with the preflight's scope", async () => {
    const byPath = cors({ allowOrigin: (_origin, scope) => scope.path.startsWith("/api/") });
    const outcome = await call(byPath, "OPTIONS", [["origin", SITE], ["access-control-request-method", "GET"]]);
    expect(outcome.status).toBe(200);
  });
});

describe("the null origin", () => {
  it('is allowed and echoed when "null" is listed', async () => {
    const outcome = await call(cors({ allowOrigins: ["null"] }), "GET", [["origin", "null"]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe("null");
  });

  it('gets a literal "*" when origins are "*"', async () => {
    const outcome = await call(cors({ allowOrigins: "*" }), "GET", [["origin", "null"]]);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe("*");
  });

  it("gets a 400 preflight answer when not listed", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE] }), "OPTIONS", [["origin", "null"], ["access-control-request-method", "GET"]]);
    expect(outcome.status).toBe(400);
    expect(outcome.body).toContain('origin "null" is not allowed');
  });
});

describe("response events after the start", () => {
  it("pass through unchanged, including streamed body chunks and trailers", async () => {
    const events: SendEvent[] = [];
    const chunks = [new Uint8Array([1, 2]), new Uint8Array([3])];
    const inner: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 201, headers: [["x-a", "1"]], trailers: true });
      await send({ type: "http.response.body", body: chunks[0], more_body: true });
      await send({ type: "http.response.body", body: chunks[1], more_body: false });
      await send({ type: "http.response.trailers", headers: [["x-sum", "6"]], more_trailers: false });
    };
    await cors({ allowOrigins: [SITE] })(inner)(
      httpScope("GET", [["origin", SITE]]),
      () => Promise.resolve({ type: "http.disconnect" }),
      (event) => {
        events.push(event);
        return Promise.resolve();
      },
    );
    expect(events[0]).toEqual({
      type: "http.response.start",
      status: 201,
      trailers: true,
      headers: [["x-a", "1"], ["access-control-allow-origin", SITE], ["vary", "Origin"]],
    });
    expect(events[1]).toEqual({ type: "http.response.body", body: chunks[0], more_body: true });
    expect((events[1] as { body: Uint8Array }).body).toBe(chunks[0]);
    expect(events[3]).toEqual({ type: "http.response.trailers", headers: [["x-sum", "6"]], more_trailers: false });
  });

  it("does not modify the header list the app passed", async () => {
    const appHeaders: Array<[string, string]> = [["vary", "Accept"]];
    const inner: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: appHeaders });
      await send({ type: "http.response.body" });
    };
    await cors({ allowOrigins: [SITE] })(inner)(
      httpScope("GET", [["origin", SITE]]),
      () => Promise.resolve({ type: "http.disconnect" }),
      () => Promise.resolve(),
    );
    expect(appHeaders).toEqual([["vary", "Accept"]]);
  });
});
