import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../src/index.js";
import { header, startClient, type TestClient } from "./support/client.js";
import { callApp, httpScope, innerApp } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";

let tree: TempTree;
let plain: TestClient;
let html: TestClient;
let spa: TestClient;
let noIndex: TestClient;

beforeAll(async () => {
  tree = await createTempTree("directories");
  await tree.write("index.html", "<h1>home</h1>");
  await tree.write("docs/index.html", "<h1>docs</h1>");
  await tree.write("docs/guide.html", "<h1>guide</h1>");
  await tree.write("about.html", "<h1>about</h1>");
  await tree.write("empty-dir/readme.txt", "no index here");
  await tree.write("404.html", "<h1>not found</h1>");
  await tree.write("app/shell.html", "<div id=app></div>");
  await tree.write("caf\u00e9/index.html", "accent");
  plain = await startClient(staticFiles({ directory: tree.root })(innerApp));
  html = await startClient(staticFiles({ directory: tree.root, html: true })(innerApp));
  spa = await startClient(staticFiles({ directory: tree.root, fallback: "app/shell.html" })(innerApp));
  noIndex = await startClient(staticFiles({ directory: tree.root, index: false })(innerApp));
});

afterAll(async () => {
  for (const client of [plain, html, spa, noIndex]) await client.close();
  await tree.remove();
});

describe("directories", () => {
  it("serves index.html for the root", async () => {
    const response = await plain.request("/");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("<h1>home</h1>");
    expect(header(response, "content-type")).toBe("text/html; charset=utf-8");
  });

  it("serves index.html for a directory URL with a trailing slash", async () => {
    const response = await plain.request("/docs/");
    expect(response.body.toString()).toBe("<h1>docs</h1>");
  });

  it("redirects a directory URL without the slash with 308, keeping the query", async () => {
    const response = await plain.request("/docs?lang=en&x=1");
    expect(response.status).toBe(308);
    expect(header(response, "location")).toBe("/docs/?lang=en&x=1");
  });

  it("keeps the percent-encoding of the original path in the redirect", async () => {
    const response = await plain.request("/caf%C3%A9");
    expect(response.status).toBe(308);
    expect(header(response, "location")).toBe("/caf%C3%A9/");
  });

  it("percent-encodes raw bytes of the path so the Location header stays valid", async () => {
    const app = staticFiles({ directory: tree.root })(innerApp);
    const result = await callApp(app, httpScope({ path: "/caf\u00e9", raw_path: "/caf\u00c3\u00a9", query_string: "q=\u00ff" }));
    expect(result.status).toBe(308);
    expect(result.headers).toContainEqual(["location", "/caf%C3%A9/?q=%FF"]);
  });

  it("passes a directory without an index file to the inner app", async () => {
    const response = await plain.request("/empty-dir/");
    expect(header(response, "x-inner")).toBe("1");
  });

  it("does not serve index files when index is false", async () => {
    const response = await noIndex.request("/docs/");
    expect(header(response, "x-inner")).toBe("1");
  });

  it("passes non-GET requests on a directory to the inner app", async () => {
    const response = await plain.request("/docs", { method: "POST", headers: { "content-length": "0" } });
    expect(header(response, "x-inner")).toBe("1");
  });

  it("does not map /about to about.html outside html mode", async () => {
    const response = await plain.request("/about");
    expect(header(response, "x-inner")).toBe("1");
  });
});

describe("html mode", () => {
  it("serves about.html for /about", async () => {
    const response = await html.request("/about");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("<h1>about</h1>");
  });

  it("serves nested pages without the extension", async () => {
    const response = await html.request("/docs/guide");
    expect(response.body.toString()).toBe("<h1>guide</h1>");
  });

  it("still redirects directories to the slash form", async () => {
    const response = await html.request("/docs");
    expect(response.status).toBe(308);
  });

  it("answers a miss with 404.html and status 404", async () => {
    const response = await html.request("/nowhere");
    expect(response.status).toBe(404);
    expect(response.body.toString()).toBe("<h1>not found</h1>");
    expect(header(response, "content-type")).toBe("text/html; charset=utf-8");
    expect(header(response, "cache-control")).toBe("no-cache");
    expect(header(response, "x-inner")).toBeUndefined();
  });

  it("leaves non-GET misses to the inner app", async () => {
    const response = await html.request("/api", { method: "POST", headers: { "content-length": "0" } });
    expect(header(response, "x-inner")).toBe("1");
  });
});

describe("single-page fallback", () => {
  it("serves the fallback file for a miss without an extension", async () => {
    const response = await spa.request("/settings/profile");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("<div id=app></div>");
    expect(header(response, "content-type")).toBe("text/html; charset=utf-8");
  });

  it("lets a missing asset with an extension reach the inner app", async () => {
    const response = await spa.request("/missing.js");
    expect(header(response, "x-inner")).toBe("1");
  });

  it("still serves real files", async () => {
    const response = await spa.request("/about.html");
    expect(response.body.toString()).toBe("<h1>about</h1>");
  });

  it("answers conditional requests on the fallback file", async () => {
    const etag = header(await spa.request("/deep/link"), "etag") ?? "";
    const response = await spa.request("/other/link", { headers: { "if-none-match": etag } });
    expect(response.status).toBe(304);
  });
});
