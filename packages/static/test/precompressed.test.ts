import * as zlib from "node:zlib";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../src/index.js";
import { header, startClient, type TestClient } from "./support/client.js";
import { innerApp } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";

let tree: TempTree;
let client: TestClient;
let gzipOnly: TestClient;
let disabled: TestClient;
const SCRIPT = "export const answer = 42;\n".repeat(40);
const zstdAvailable = typeof (zlib as Record<string, unknown>)["createZstdDecompress"] === "function";

beforeAll(async () => {
  tree = await createTempTree("precompressed");
  await tree.write("app.js", SCRIPT);
  await tree.write("app.js.br", brotliCompressSync(SCRIPT));
  await tree.write("app.js.gz", gzipSync(SCRIPT));
  await tree.write("app.js.zst", Buffer.from("not really zstd"));
  await tree.write("only-gz.css", "body{}");
  await tree.write("only-gz.css.gz", gzipSync("body{}"));
  await tree.write("index.html", "<h1>home</h1>");
  await tree.write("wide.txt", "w".repeat(4000));
  await tree.write("wide.txt.br", Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7) % 256)));
  await tree.write("index.html.br", brotliCompressSync("<h1>home</h1>"));
  client = await startClient(staticFiles({ directory: tree.root })(innerApp));
  gzipOnly = await startClient(staticFiles({ directory: tree.root, precompressed: ["gzip"] })(innerApp));
  disabled = await startClient(staticFiles({ directory: tree.root, precompressed: false })(innerApp));
});

afterAll(async () => {
  await client.close();
  await gzipOnly.close();
  await disabled.close();
  await tree.remove();
});

function get(target: string, acceptEncoding?: string, extra: Record<string, string> = {}, on = client) {
  return on.request(target, { headers: { ...(acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding }), ...extra } });
}

describe("precompressed siblings", () => {
  it("serves the .br sibling to a client that accepts br, with the original type", async () => {
    const response = await get("/app.js", "gzip, deflate, br");
    expect(response.status).toBe(200);
    expect(header(response, "content-encoding")).toBe("br");
    expect(header(response, "content-type")).toBe("text/javascript; charset=utf-8");
    expect(header(response, "vary")).toBe("accept-encoding");
    expect(header(response, "content-length")).toBe(String(response.body.length));
    expect(brotliDecompressSync(response.body).toString()).toBe(SCRIPT);
  });

  it("serves the .gz sibling when br is not accepted", async () => {
    const response = await get("/app.js", "gzip");
    expect(header(response, "content-encoding")).toBe("gzip");
    expect(gunzipSync(response.body).toString()).toBe(SCRIPT);
  });

  it("prefers the coding with the higher q-value", async () => {
    const response = await get("/app.js", "br;q=0.4, gzip;q=0.8");
    expect(header(response, "content-encoding")).toBe("gzip");
  });

  it("serves the plain file when every available coding is refused with q=0", async () => {
    const response = await get("/app.js", "br;q=0, gzip;q=0, zstd;q=0");
    expect(header(response, "content-encoding")).toBeUndefined();
    expect(response.body.toString()).toBe(SCRIPT);
    expect(header(response, "vary")).toBe("accept-encoding");
  });

  it("serves the plain file without Accept-Encoding, still with Vary", async () => {
    const response = await get("/app.js");
    expect(header(response, "content-encoding")).toBeUndefined();
    expect(response.body.toString()).toBe(SCRIPT);
    expect(header(response, "vary")).toBe("accept-encoding");
  });

  it("falls back to the next coding when the preferred sibling does not exist", async () => {
    const response = await get("/only-gz.css", "br, gzip");
    expect(header(response, "content-encoding")).toBe("gzip");
    expect(gunzipSync(response.body).toString()).toBe("body{}");
  });

  it("serves .zst only when this Node can decode zstd", async () => {
    const response = await get("/app.js", "zstd");
    expect(header(response, "content-encoding")).toBe(zstdAvailable ? "zstd" : undefined);
  });

  it("gives each coding its own ETag", async () => {
    const tags = new Set([
      header(await get("/app.js", "br"), "etag"),
      header(await get("/app.js", "gzip"), "etag"),
      header(await get("/app.js"), "etag"),
    ]);
    expect(tags.size).toBe(3);
  });

  it("answers 304 for the tag of the coding being negotiated", async () => {
    const brTag = header(await get("/app.js", "br"), "etag") ?? "";
    expect((await get("/app.js", "br", { "if-none-match": brTag })).status).toBe(304);
    expect((await get("/app.js", "gzip", { "if-none-match": brTag })).status).toBe(200);
  });

  it("serves ranges of the compressed representation", async () => {
    const full = await get("/app.js", "br");
    const response = await get("/app.js", "br", { range: "bytes=0-9" });
    expect(response.status).toBe(206);
    expect(header(response, "content-encoding")).toBe("br");
    expect(header(response, "content-range")).toBe(`bytes 0-9/${full.body.length}`);
    expect(response.body.equals(full.body.subarray(0, 10))).toBe(true);
  });

  it("answers several ranges of a compressed variant with the whole variant", async () => {
    const full = await get("/wide.txt", "br");
    expect(full.body.length).toBe(2000);
    const response = await get("/wide.txt", "br", { range: "bytes=0-4, 1000-1004" });
    expect(response.status).toBe(200);
    expect(header(response, "content-encoding")).toBe("br");
    expect(response.body.equals(full.body)).toBe(true);
  });

  it("answers several ranges of the plain file with multipart/byteranges", async () => {
    const response = await get("/wide.txt", undefined, { range: "bytes=0-4, 1000-1004" });
    expect(response.status).toBe(206);
    expect(header(response, "content-type")).toMatch(/^multipart\/byteranges; boundary=/);
    expect(header(response, "content-encoding")).toBeUndefined();
  });

  it("uses siblings of a directory's index file", async () => {
    const response = await get("/", "br");
    expect(header(response, "content-encoding")).toBe("br");
    expect(header(response, "content-type")).toBe("text/html; charset=utf-8");
  });

  it("looks only for the codings configured", async () => {
    const response = await get("/app.js", "br, gzip", {}, gzipOnly);
    expect(header(response, "content-encoding")).toBe("gzip");
  });

  it("serves only plain files, without Vary, when disabled", async () => {
    const response = await get("/app.js", "br, gzip", {}, disabled);
    expect(header(response, "content-encoding")).toBeUndefined();
    expect(header(response, "vary")).toBeUndefined();
    expect(response.body.toString()).toBe(SCRIPT);
  });

  it("serves a sibling requested by its own name as a plain file", async () => {
    const response = await get("/app.js.gz", "gzip");
    expect(header(response, "content-encoding")).toBeUndefined();
    expect(header(response, "content-type")).toBe("application/gzip");
  });
});
