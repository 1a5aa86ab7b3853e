import { rm, writeFile } from "node:fs/promises";
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
});
