import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../src/index.js";
import { header, headerNames, startClient, type TestClient } from "./support/client.js";
import { hidePathsend, innerApp, recordEventTypes } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";

let tree: TempTree;
let client: TestClient;
let prefixed: TestClient;
let streamed: TestClient;
let recorded: TestClient;
const recordedTypes: string[] = [];
const LARGE = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => i % 251));
const MTIME = new Date(Date.UTC(2024, 4, 1, 10, 20, 30));

beforeAll(async () => {
  tree = await createTempTree("serving");
  await tree.write("hello.txt", "Hello, world!\n");
  await tree.write("page.html", "<!doctype html><title>x</title>");
  await tree.write("data.json", '{"a":1}');
  await tree.write("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await tree.write("blob.unknownext", "??");
  await tree.write("noext", "plain");
  await tree.write("empty.txt", "");
  await tree.write("assets/app.3f9a8c1b.js", "console.log(1)");
  await tree.write("caf\u00e9 menu.txt", "unicode name");
  await tree.write("large.bin", LARGE);
  await tree.touch("hello.txt", MTIME);
  client = await startClient(staticFiles({ directory: tree.root })(innerApp));
  prefixed = await startClient(staticFiles({ directory: tree.root, prefix: "/static" })(innerApp));
  streamed = await startClient(hidePathsend(staticFiles({ directory: tree.root })(innerApp)));
  recorded = await startClient(recordEventTypes(staticFiles({ directory: tree.root })(innerApp), recordedTypes));
});

afterAll(async () => {
  await client.close();
  await prefixed.close();
  await streamed.close();
  await recorded.close();
  await tree.remove();
});

describe("serving files", () => {
  it("serves a file with its bytes, type, length and validators", async () => {
    const response = await client.request("/hello.txt");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("Hello, world!\n");
    expect(header(response, "content-type")).toBe("text/plain; charset=utf-8");
    expect(header(response, "content-length")).toBe("14");
    expect(header(response, "etag")).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(header(response, "last-modified")).toBe("Wed, 01 May 2024 10:20:30 GMT");
    expect(header(response, "accept-ranges")).toBe("bytes");
  });

  it("sends the default Cache-Control on ordinary files", async () => {
    const response = await client.request("/hello.txt");
    expect(header(response, "cache-control")).toBe("public, max-age=0, must-revalidate");
  });

  it("marks content-hashed file names immutable for a year", async () => {
    const response = await client.request("/assets/app.3f9a8c1b.js");
    expect(header(response, "cache-control")).toBe("public, max-age=31536000, immutable");
    expect(header(response, "content-type")).toBe("text/javascript; charset=utf-8");
  });

  it.each([
    ["/page.html", "text/html; charset=utf-8"],
    ["/data.json", "application/json; charset=utf-8"],
    ["/image.png", "image/png"],
    ["/blob.unknownext", "application/octet-stream"],
    ["/noext", "application/octet-stream"],
  ])("labels %s as %s", async (path, type) => {
    const response = await client.request(path);
    expect(response.status).toBe(200);
    expect(header(response, "content-type")).toBe(type);
  });

  it("serves an empty file with Content-Length 0", async () => {
    const response = await client.request("/empty.txt");
    expect(response.status).toBe(200);
    expect(header(response, "content-length")).toBe("0");
    expect(response.body.length).toBe(0);
  });

  it("serves a percent-encoded UTF-8 file name", async () => {
    const response = await client.request("/caf%C3%A9%20menu.txt");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("unicode name");
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const get = await client.request("/hello.txt");
    const head = await client.request("/hello.txt", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(header(head, "content-length")).toBe("14");
    expect(header(head, "etag")).toBe(header(get, "etag"));
    expect(header(head, "content-type")).toBe(header(get, "content-type"));
  });

  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])("answers %s on a file with 405 and Allow", async (method) => {
    const response = await client.request("/hello.txt", { method, headers: { "content-length": "0" } });
    expect(response.status).toBe(405);
    expect(header(response, "allow")).toBe("GET, HEAD");
  });

  it("passes other methods on a missing path to the inner app", async () => {
    const response = await client.request("/api/items", { method: "POST", headers: { "content-length": "0" } });
    expect(response.status).toBe(404);
    expect(response.body.toString()).toBe("inner:POST:/api/items");
  });

  it("passes a missing file to the inner app", async () => {
    const response = await client.request("/missing.txt");
    expect(header(response, "x-inner")).toBe("1");
    expect(response.body.toString()).toBe("inner:GET:/missing.txt");
  });

  it("passes a file path with a trailing slash to the inner app", async () => {
    const response = await client.request("/hello.txt/");
    expect(header(response, "x-inner")).toBe("1");
  });

  it("ignores the query string when finding the file", async () => {
    const response = await client.request("/hello.txt?v=123");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("Hello, world!\n");
  });

  it("gives the same strong ETag on repeated requests", async () => {
    const first = await client.request("/hello.txt");
    const second = await client.request("/hello.txt");
    expect(header(first, "etag")).toBe(header(second, "etag"));
    expect(header(first, "etag")?.startsWith("W/")).toBe(false);
  });
});

describe("prefix", () => {
  it("serves files under the prefix", async () => {
    const response = await prefixed.request("/static/hello.txt");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("Hello, world!\n");
  });

  it("leaves paths outside the prefix to the inner app", async () => {
    const response = await prefixed.request("/hello.txt");
    expect(header(response, "x-inner")).toBe("1");
  });

  it("does not treat a longer first segment as the prefix", async () => {
    const response = await prefixed.request("/staticky/hello.txt");
    expect(header(response, "x-inner")).toBe("1");
  });

  it("redirects the bare prefix to its slash form", async () => {
    const response = await prefixed.request("/static");
    expect(response.status).toBe(308);
    expect(header(response, "location")).toBe("/static/");
  });
});

describe("response headers are well-formed", () => {
  it("sends no duplicate header names on a file response", async () => {
    const names = headerNames(await client.request("/hello.txt"));
    const mine = names.filter((name) => ["content-type", "content-length", "etag", "last-modified", "cache-control", "accept-ranges", "vary"].includes(name));
    expect(new Set(mine).size).toBe(mine.length);
  });
});

describe("body delivery over a real server", () => {
  it("hands a large whole-file GET to the server with http.response.pathsend, which it advertises", async () => {
    recordedTypes.length = 0;
    const response = await recorded.request("/large.bin");
    expect(response.body.equals(LARGE)).toBe(true);
    expect(recordedTypes).toEqual(["http.response.start", "http.response.pathsend"]);
  });

  it("sends a small file as one body message behind the same server", async () => {
    recordedTypes.length = 0;
    const response = await recorded.request("/hello.txt");
    expect(response.body.toString()).toBe("Hello, world!\n");
    expect(recordedTypes).toEqual(["http.response.start", "http.response.body"]);
  });

  it("streams a large file in several body messages when the server does not advertise pathsend", async () => {
    const response = await streamed.request("/large.bin");
    expect(response.status).toBe(200);
    expect(response.body.equals(LARGE)).toBe(true);
  });

  it("streams body messages itself when the server does not advertise pathsend", async () => {
    const response = await streamed.request("/hello.txt");
    expect(response.status).toBe(200);
    expect(header(response, "content-length")).toBe("14");
    expect(response.body.toString()).toBe("Hello, world!\n");
  });

  it("streams an empty file without pathsend", async () => {
    const response = await streamed.request("/empty.txt");
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
  });

  it("answers HEAD without pathsend with no body", async () => {
    const response = await streamed.request("/hello.txt", { method: "HEAD" });
    expect(header(response, "content-length")).toBe("14");
    expect(response.body.length).toBe(0);
  });
});
