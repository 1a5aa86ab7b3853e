import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { compose, type App } from "@sluice/core";
import { compression } from "@sluice/compression";
import { cors } from "@sluice/cors";
import { staticFiles } from "@sluice/static";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toFetch, type FetchApp } from "../src/index.js";

const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item number ${i}` })) });

const api: App = async (scope, _receive, send) => {
  if (scope.type !== "http") return;
  await send({ type: "http.response.start", status: 200, headers: [["content-type", "application/json"]] });
  await send({ type: "http.response.body", body: new TextEncoder().encode(json) });
};

let dir: string;
let handler: FetchApp;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-fetch-static-"));
  await writeFile(join(dir, "hello.txt"), "static hello\n");
  handler = toFetch(
    compose(
      cors({ allowOrigins: ["https://app.example"], allowMethods: ["GET", "POST"], allowCredentials: true }),
      compression(),
      staticFiles({ directory: dir, prefix: "/static" }),
    )(api),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the middleware catalog driven through toFetch with undici Requests", () => {
  it("answers a CORS preflight from an allowed origin", async () => {
    const response = await handler(
      new Request("http://api.test/items", {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "POST" },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
  });

  it("compresses a JSON response with gzip and adds the CORS headers", async () => {
    const response = await handler(
      new Request("http://api.test/items", { headers: { origin: "https://app.example", "accept-encoding": "gzip" } }),
    );
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(response.headers.get("vary")?.toLowerCase()).toContain("accept-encoding");
    expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(json);
  });

  it("serves a static file with its validators", async () => {
    const response = await handler(new Request("http://api.test/static/hello.txt"));
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toMatch(/^"/);
    expect(await response.text()).toBe("static hello\n");
  });

  it("answers a conditional static request with 304", async () => {
    const first = await handler(new Request("http://api.test/static/hello.txt"));
    await first.arrayBuffer();
    const etag = first.headers.get("etag") ?? "";
    const again = await handler(new Request("http://api.test/static/hello.txt", { headers: { "if-none-match": etag } }));
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
  });
});
