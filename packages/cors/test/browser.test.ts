// A real browser (Chromium) on one origin calling the API on another: proves the headers this
// middleware sends are the ones browsers need, and that browsers block what it refuses.
import type { App, HTTPScope } from "@sluice/core";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cors } from "../src/index.js";
import { listen, type Listening } from "./support/listen.js";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What the API app saw: one entry per request that reached it (preflights answered by cors() never do). */
interface Seen {
  method: string;
  path: string;
  cookie: string | null;
}

/** The result of a `fetch` run inside the page. */
type FetchResult =
  | { ok: true; status: number; body: string; requestId: string | null; hidden: string | null }
  | { ok: false; error: string };

const page404 = new TextEncoder().encode("not found");
const pageHtml = new TextEncoder().encode("<!doctype html><title>page origin</title><p>CORS browser test page</p>");

/**
 * Serves the page: the origin whose scripts call the API. `/sandboxed` is the same page with a
 * CSP sandbox, which gives it an opaque origin: its requests carry `Origin: null`.
 */
const pageApp: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  const found = scope.path === "/" || scope.path === "/sandboxed";
  const headers: Array<[string, string]> = [["content-type", found ? "text/html; charset=utf-8" : "text/plain"]];
  if (scope.path === "/sandboxed") headers.push(["content-security-policy", "sandbox allow-scripts"]);
  await send({ type: "http.response.start", status: found ? 200 : 404, headers });
  await send({ type: "http.response.body", body: found ? pageHtml : page404 });
};

function cookieOf(scope: HTTPScope): string | null {
  return scope.headers.find(([name]) => name === "cookie")?.[1] ?? null;
}

describe("in Chromium, a page on another origin", () => {
  let browser: Browser;
  let pageServer: Listening;
  let apiServer: Listening;
  let seen: Seen[] = [];
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    pageServer = await listen(pageApp);
    const pageOrigin = pageServer.url;

    const recordingApi: App = async (scope, receive, send) => {
      if (scope.type !== "http") return;
      // Drain the request body so the response is not racing an unread upload.
      for (let event = await receive(); event.type === "http.request" && event.more_body; event = await receive());
      seen.push({ method: scope.method, path: scope.path, cookie: cookieOf(scope) });
      const body = new TextEncoder().encode(JSON.stringify({ method: scope.method, cookie: cookieOf(scope) }));
      await send({
        type: "http.response.start",
        status: 200,
        headers: [
          ["content-type", "application/json"],
          ["x-request-id", "42"],
          ["x-hidden", "secret"],
        ],
      });
      await send({ type: "http.response.body", body });
    };

    // Three policies side by side, chosen by path prefix.
    const open = cors({
      allowOrigins: [pageOrigin],
      allowMethods: ["GET", "PUT"],
      allowHeaders: ["x-token"],
      exposeHeaders: ["x-request-id"],
    })(recordingApi);
    const credentialed = cors({
      allowOrigins: [pageOrigin],
      allowMethods: ["GET", "POST"],
      allowCredentials: true,
    })(recordingApi);
    const elsewhere = cors({ allowOrigins: ["https://elsewhere.example"] })(recordingApi);
    const anyOrigin = cors({ allowOrigins: "*", allowMethods: ["GET", "PUT"] })(recordingApi);
    const byRegex = cors({ allowOriginRegex: String.raw`http://127\.0\.0\.1:\d+` })(recordingApi);
    const nullListed = cors({ allowOrigins: ["null"] })(recordingApi);

    const routes: Array<[prefix: string, app: App]> = [
      ["/cred/", credentialed],
      ["/elsewhere/", elsewhere],
      ["/any/", anyOrigin],
      ["/regex/", byRegex],
      ["/null/", nullListed],
    ];
    const router: App = (scope, receive, send) => {
      const path = scope.type === "lifespan" ? "" : scope.path;
      const route = routes.find(([prefix]) => path.startsWith(prefix));
      return (route?.[1] ?? open)(scope, receive, send);
    };
    apiServer = await listen(router);
    expect(apiServer.url).not.toBe(pageOrigin);

    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser.close();
    await apiServer.close();
    await pageServer.close();
  });

  beforeEach(async () => {
    seen = [];
    // A fresh context per test: its own cookie jar and its own preflight cache.
    context = await browser.newContext();
    await context.addCookies([{ name: "session", value: "s3cret", url: apiServer.url, sameSite: "Lax" }]);
    page = await context.newPage();
    await page.goto(`${pageServer.url}/`);
  });

  afterEach(async () => {
    await context.close();
  });

  /** Runs `fetch(apiServer.url + path, init)` in the page and reports what the script could see. */
  function fetchFromPage(path: string, init: RequestInit): Promise<FetchResult> {
    return page.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, init);
          return {
            ok: true as const,
            status: response.status,
            body: await response.text(),
            requestId: response.headers.get("x-request-id"),
            hidden: response.headers.get("x-hidden"),
          };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { url: `${apiServer.url}${path}`, init },
    );
  }

  it("reads the answer of an allowed GET", async () => {
    const result = await fetchFromPage("/open/data", {});
    expect(result).toMatchObject({ ok: true, status: 200, body: JSON.stringify({ method: "GET", cookie: null }) });
  });

  it("reads exposed response headers but not the others", async () => {
    const result = await fetchFromPage("/open/data", {});
    expect(result).toMatchObject({ ok: true, requestId: "42", hidden: null });
  });

  it("is blocked from reading the answer when its origin is not allowed, although the server answered", async () => {
    const result = await fetchFromPage("/elsewhere/data", {});
    expect(result).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    expect(seen).toEqual([{ method: "GET", path: "/elsewhere/data", cookie: null }]);
  });

  it("sends a preflighted PUT with a custom header after the middleware allowed it", async () => {
    const result = await fetchFromPage("/open/item", { method: "PUT", headers: { "x-token": "t" }, body: "payload" });
    expect(result).toMatchObject({ ok: true, status: 200, body: JSON.stringify({ method: "PUT", cookie: null }) });
    // The OPTIONS preflight was answered by the middleware; only the PUT reached the app.
    expect(seen.map((entry) => entry.method)).toEqual(["PUT"]);
  });

  it("never sends a request whose method the preflight refused", async () => {
    const result = await fetchFromPage("/open/item", { method: "DELETE" });
    expect(result).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    expect(seen).toEqual([]);
  });

  it("never sends a request whose header the preflight refused", async () => {
    const result = await fetchFromPage("/open/item", { headers: { "x-secret": "s" } });
    expect(result).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    expect(seen).toEqual([]);
  });

  it("sends the cookie with credentials: 'include' and reads the answer when credentials are allowed", async () => {
    const result = await fetchFromPage("/cred/me", { credentials: "include" });
    expect(result).toMatchObject({ ok: true, status: 200, body: JSON.stringify({ method: "GET", cookie: "session=s3cret" }) });
  });

  it("sends a credentialed, preflighted JSON POST when credentials are allowed", async () => {
    const result = await fetchFromPage("/cred/items", {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(result).toMatchObject({ ok: true, status: 200, body: JSON.stringify({ method: "POST", cookie: "session=s3cret" }) });
  });

  it("sends no cookie to an origin-checked API when the page omits credentials", async () => {
    const result = await fetchFromPage("/cred/me", { credentials: "omit" });
    expect(result).toMatchObject({ ok: true, body: JSON.stringify({ method: "GET", cookie: null }) });
  });

  it('reads the answer, including after a preflight, when origins are "*"', async () => {
    const result = await fetchFromPage("/any/item", { method: "PUT", body: "x" });
    expect(result).toMatchObject({ ok: true, status: 200, body: JSON.stringify({ method: "PUT", cookie: null }) });
  });

  it('is blocked from reading a credentialed answer when origins are "*"', async () => {
    const result = await fetchFromPage("/any/me", { credentials: "include" });
    expect(result).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
  });

  it("reads the answer when its origin matches allowOriginRegex", async () => {
    const result = await fetchFromPage("/regex/data", {});
    expect(result).toMatchObject({ ok: true, status: 200 });
  });

  it("is blocked from a sandboxed page (origin null) unless null is listed", async () => {
    await page.goto(`${pageServer.url}/sandboxed`);
    expect(await page.evaluate("self.origin")).toBe("null");
    const refused = await fetchFromPage("/open/data", {});
    const listed = await fetchFromPage("/null/data", {});
    expect(refused).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    expect(listed).toMatchObject({ ok: true, status: 200 });
    expect(seen.map((entry) => entry.path)).toEqual(["/open/data", "/null/data"]);
  });

  it("is blocked from reading a credentialed answer when the API does not allow credentials", async () => {
    const result = await fetchFromPage("/open/me", { credentials: "include" });
    expect(result).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    // The browser did send the request with the cookie; it is the missing allow-credentials header that blocks it.
    expect(seen).toEqual([{ method: "GET", path: "/open/me", cookie: "session=s3cret" }]);
  });
});
