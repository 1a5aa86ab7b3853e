import { describe, expect, it } from "vitest";
import { cors } from "../src/index.js";
import { call, corsHeaderNames, single } from "./helpers.js";

const SITE = "https://app.example.com";
const OTHER = "https://evil.example";

function preflight(origin: string, method: string, requestHeaders?: string): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ["host", "api.example.com"],
    ["origin", origin],
    ["access-control-request-method", method],
  ];
  if (requestHeaders !== undefined) headers.push(["access-control-request-headers", requestHeaders]);
  return headers;
}

describe("preflight requests", () => {
  const listed = cors({ allowOrigins: [SITE], allowMethods: ["GET", "POST", "PATCH"], allowHeaders: ["X-Token", "authorization"] });

  it("answers an allowed preflight with 200 and the allow headers, without calling the app", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(SITE, "PATCH", "x-token"));
    expect(outcome.status).toBe(200);
    expect(outcome.appCalls).toBe(0);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
    expect(single(outcome.headers, "access-control-allow-methods")).toBe("GET, POST, PATCH");
    expect(single(outcome.headers, "access-control-allow-headers")).toBe(
      "accept, accept-language, content-language, content-type, x-token, authorization",
    );
    expect(single(outcome.headers, "access-control-max-age")).toBe("600");
    expect(single(outcome.headers, "vary")).toBe("Origin");
    expect(single(outcome.headers, "access-control-allow-credentials")).toBeUndefined();
    expect(outcome.body).toBe("");
  });

  it("rejects a preflight from a disallowed origin with 400 naming the origin", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(OTHER, "GET"));
    expect(outcome.status).toBe(400);
    expect(outcome.appCalls).toBe(0);
    expect(single(outcome.headers, "content-type")).toBe("text/plain; charset=utf-8");
    expect(outcome.body).toBe(`CORS preflight rejected: origin "${OTHER}" is not allowed.\n`);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });

  it("rejects a preflight asking for a disallowed method with 400 naming the method", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(SITE, "DELETE"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toBe('CORS preflight rejected: method "DELETE" is not allowed (allowed: GET, POST, PATCH).\n');
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
  });

  it("matches methods case-sensitively, as HTTP does", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(SITE, "patch"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toContain('method "patch" is not allowed');
  });

  it("rejects a preflight asking for disallowed headers with 400 naming each of them", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(SITE, "POST", "x-token, x-secret,x-other"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toBe('CORS preflight rejected: headers "x-secret, x-other" not allowed.\n');
  });

  it("names every refusal when origin, method and header are all disallowed", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(OTHER, "PUT", "x-secret"));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toBe(
      `CORS preflight rejected: origin "${OTHER}" is not allowed; method "PUT" is not allowed (allowed: GET, POST, PATCH); header "x-secret" not allowed.\n`,
    );
  });

  it("matches requested header names case-insensitively", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(SITE, "GET", "X-TOKEN, Authorization"));
    expect(outcome.status).toBe(200);
  });

  it("matches the CORS request header names case-insensitively", async () => {
    const outcome = await call(listed, "OPTIONS", [
      ["Origin", SITE],
      ["Access-Control-Request-Method", "POST"],
      ["ACCESS-CONTROL-REQUEST-HEADERS", "x-token"],
    ]);
    expect(outcome.status).toBe(200);
    expect(outcome.appCalls).toBe(0);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
  });

  it("considers every Access-Control-Request-Headers line of the request", async () => {
    const outcome = await call(listed, "OPTIONS", [...preflight(SITE, "GET", "x-token"), ["access-control-request-headers", "x-secret"]]);
    expect(outcome.status).toBe(400);
    expect(outcome.body).toContain('header "x-secret" not allowed');
  });

  it("always allows the Accept, Accept-Language, Content-Language and Content-Type request headers", async () => {
    const strict = cors({ allowOrigins: [SITE], allowMethods: ["POST"] });
    const outcome = await call(strict, "OPTIONS", preflight(SITE, "POST", "content-type,accept,accept-language,content-language"));
    expect(outcome.status).toBe(200);
  });

  it("allows only GET by default", async () => {
    const defaults = cors({ allowOrigins: [SITE] });
    expect((await call(defaults, "OPTIONS", preflight(SITE, "GET"))).status).toBe(200);
    expect((await call(defaults, "OPTIONS", preflight(SITE, "POST"))).status).toBe(400);
  });

  it("sends the configured maxAge", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], maxAge: 7200 }), "OPTIONS", preflight(SITE, "GET"));
    expect(single(outcome.headers, "access-control-max-age")).toBe("7200");
  });

  it("sends Access-Control-Allow-Credentials on an allowed preflight when credentials are allowed", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowCredentials: true }), "OPTIONS", preflight(SITE, "GET"));
    expect(single(outcome.headers, "access-control-allow-credentials")).toBe("true");
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
  });

  it('answers a preflight with a literal "*" origin when origins are "*" and nothing varies on Origin', async () => {
    const outcome = await call(cors({ allowOrigins: "*" }), "OPTIONS", preflight(OTHER, "GET"));
    expect(outcome.status).toBe(200);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe("*");
    expect(single(outcome.headers, "vary")).toBeUndefined();
  });

  it('mirrors the requested method and headers when methods and headers are "*"', async () => {
    const open = cors({ allowOrigins: [SITE], allowMethods: "*", allowHeaders: "*" });
    const outcome = await call(open, "OPTIONS", preflight(SITE, "PROPFIND", "X-Anything, x-other"));
    expect(outcome.status).toBe(200);
    expect(single(outcome.headers, "access-control-allow-methods")).toBe("PROPFIND");
    expect(single(outcome.headers, "access-control-allow-headers")).toBe("x-anything, x-other");
    expect(single(outcome.headers, "vary")).toBe("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  });

  it('omits Access-Control-Allow-Headers for headers "*" when none were requested', async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowHeaders: "*" }), "OPTIONS", preflight(SITE, "GET"));
    expect(outcome.status).toBe(200);
    expect(single(outcome.headers, "access-control-allow-headers")).toBeUndefined();
  });

  it('rejects a requested method that is not an HTTP token even when methods are "*"', async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowMethods: "*" }), "OPTIONS", preflight(SITE, "GE T"));
    expect(outcome.status).toBe(400);
  });

  it("sends OPTIONS without Access-Control-Request-Method to the app, with CORS headers for an allowed origin", async () => {
    const outcome = await call(listed, "OPTIONS", [["origin", SITE]]);
    expect(outcome.appCalls).toBe(1);
    expect(outcome.body).toBe("inner");
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
    expect(single(outcome.headers, "access-control-allow-methods")).toBeUndefined();
  });

  it("sends OPTIONS with Access-Control-Request-Method but without Origin to the app untouched", async () => {
    const outcome = await call(listed, "OPTIONS", [["access-control-request-method", "GET"]]);
    expect(outcome.appCalls).toBe(1);
    expect(corsHeaderNames(outcome.headers)).toEqual([]);
    expect(single(outcome.headers, "vary")).toBeUndefined();
  });

  it("treats a request with Access-Control-Request-Method but another method as an actual request", async () => {
    const outcome = await call(listed, "GET", preflight(SITE, "GET"));
    expect(outcome.appCalls).toBe(1);
    expect(single(outcome.headers, "access-control-allow-origin")).toBe(SITE);
  });

  it("truncates long rejected values in the message", async () => {
    const outcome = await call(listed, "OPTIONS", preflight(SITE, "GET", `x-${"a".repeat(5000)}`));
    expect(outcome.status).toBe(400);
    expect(outcome.body.length).toBeLessThan(400);
    expect(outcome.body).toContain("...");
  });
});

describe("private network access preflights", () => {
  const pna = [["access-control-request-private-network", "true"]] as Array<[string, string]>;

  it("answers Access-Control-Allow-Private-Network: true when allowPrivateNetwork is on", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowPrivateNetwork: true }), "OPTIONS", [...preflight(SITE, "GET"), ...pna]);
    expect(outcome.status).toBe(200);
    expect(single(outcome.headers, "access-control-allow-private-network")).toBe("true");
  });

  it("does not allow private network access by default", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE] }), "OPTIONS", [...preflight(SITE, "GET"), ...pna]);
    expect(single(outcome.headers, "access-control-allow-private-network")).toBeUndefined();
  });

  it("does not send the private network header when the preflight did not ask for it", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowPrivateNetwork: true }), "OPTIONS", preflight(SITE, "GET"));
    expect(single(outcome.headers, "access-control-allow-private-network")).toBeUndefined();
  });

  it("does not send the private network header for a disallowed origin", async () => {
    const outcome = await call(cors({ allowOrigins: [SITE], allowPrivateNetwork: true }), "OPTIONS", [...preflight(OTHER, "GET"), ...pna]);
    expect(outcome.status).toBe(400);
    expect(single(outcome.headers, "access-control-allow-private-network")).toBeUndefined();
  });
});
