import { mkdir, rm, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../src/index.js";
import { header, startClient, type TestClient } from "./support/client.js";
import { innerApp } from "./support/in-process.js";
import { createTempTree, type TempTree } from "./support/temp-tree.js";

let tree: TempTree;
let cached: TestClient;
let uncached: TestClient;

beforeAll(async () => {
  tree = await createTempTree("stat-cache");
  await tree.write("kept.txt", "version one");
  await tree.write("doomed.txt", "about to go");
  await tree.write("shrinking.txt", "a longer first version");
  await tree.write("same-length.txt", "AAAAAAAAAA");
  await tree.write("revalidated.txt", "1111111111");
  await tree.write("ranged.txt", "abcdefghij");
  await tree.write("becomes-directory.txt", "a file for now");
  cached = await startClient(staticFiles({ directory: tree.root, statCache: { maxEntries: 50, ttlMs: 600_000 } })(innerApp));
  uncached = await startClient(staticFiles({ directory: tree.root, statCache: false })(innerApp));
});

afterAll(async () => {
  await cached.close();
  await uncached.close();
  await tree.remove();
});

describe("stat cache", () => {
  it("remembers a miss for its time to live", async () => {
    expect(header(await cached.request("/later.txt"), "x-inner")).toBe("1");
    await tree.write("later.txt", "created after the miss");
    expect(header(await cached.request("/later.txt"), "x-inner")).toBe("1");
  });

  it("sees new files at once when disabled", async () => {
    expect(header(await uncached.request("/fresh.txt"), "x-inner")).toBe("1");
    await tree.write("fresh.txt", "new");
    const response = await uncached.request("/fresh.txt");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("new");
  });

  it("always sends the current bytes, length and ETag of a cached file", async () => {
    const before = await cached.request("/kept.txt");
    await writeFile(tree.path("kept.txt"), "version two, longer");
    await tree.touch("kept.txt", new Date(Date.now() + 5_000));
    const after = await cached.request("/kept.txt");
    expect(after.body.toString()).toBe("version two, longer");
    expect(header(after, "content-length")).toBe("19");
    expect(header(after, "etag")).not.toBe(header(before, "etag"));
  });

  it("falls through, not 500, when a cached file has been deleted", async () => {
    expect((await cached.request("/doomed.txt")).status).toBe(200);
    await rm(tree.path("doomed.txt"));
    const response = await cached.request("/doomed.txt");
    expect(response.status).toBe(404);
    expect(header(response, "x-inner")).toBe("1");
  });

  it("sends the current bytes and length of a cached small file that shrank", async () => {
    expect((await cached.request("/shrinking.txt")).body.toString()).toBe("a longer first version");
    await writeFile(tree.path("shrinking.txt"), "short");
    const after = await cached.request("/shrinking.txt");
    expect(after.body.toString()).toBe("short");
    expect(header(after, "content-length")).toBe("5");
  });

  it("sends the current bytes of a cached small file rewritten with the same length", async () => {
    expect((await cached.request("/same-length.txt")).body.toString()).toBe("AAAAAAAAAA");
    await writeFile(tree.path("same-length.txt"), "BBBBBBBBBB");
    const after = await cached.request("/same-length.txt");
    expect(after.body.toString()).toBe("BBBBBBBBBB");
    expect(header(after, "content-length")).toBe("10");
  });

  it("decides If-None-Match on a fresh stat, so a same-length rewrite is not answered 304", async () => {
    const before = await cached.request("/revalidated.txt");
    const oldTag = header(before, "etag") ?? "";
    await writeFile(tree.path("revalidated.txt"), "2222222222");
    await tree.touch("revalidated.txt", new Date(Date.now() + 10_000));
    const after = await cached.request("/revalidated.txt", { headers: { "if-none-match": oldTag } });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe("2222222222");
    expect(header(after, "etag")).not.toBe(oldTag);
  });

  it("decides If-Range on a fresh stat, so a range of a rewritten file is never spliced onto old bytes", async () => {
    const before = await cached.request("/ranged.txt");
    const oldTag = header(before, "etag") ?? "";
    await writeFile(tree.path("ranged.txt"), "ABCDEFGHIJ");
    await tree.touch("ranged.txt", new Date(Date.now() + 10_000));
    const after = await cached.request("/ranged.txt", { headers: { range: "bytes=5-", "if-range": oldTag } });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe("ABCDEFGHIJ");
  });

  it("falls through, not 500, when a cached small file has been replaced by a directory", async () => {
    expect((await cached.request("/becomes-directory.txt")).status).toBe(200);
    await rm(tree.path("becomes-directory.txt"));
    await mkdir(tree.path("becomes-directory.txt"));
    const response = await cached.request("/becomes-directory.txt");
    expect(response.status).toBe(404);
    expect(header(response, "x-inner")).toBe("1");
  });
});
