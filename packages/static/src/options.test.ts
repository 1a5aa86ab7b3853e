import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticFilesOptionsError } from "./errors.js";
import { staticFiles, type StaticFilesOptions } from "./index.js";
import { callApp, httpScope, innerApp } from "../test/support/in-process.js";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sluice-static-options-"));
  await writeFile(join(root, "file.txt"), "x");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function optionError(options: StaticFilesOptions): StaticFilesOptionsError {
  try {
    staticFiles(options);
  } catch (error) {
    if (error instanceof StaticFilesOptionsError) return error;
    throw error;
  }
  throw new Error("expected StaticFilesOptionsError");
}

describe("staticFiles options", () => {
  it("accepts a directory with every default", () => {
    expect(typeof staticFiles({ directory: root })).toBe("function");
  });

  it("rejects a directory that does not exist", () => {
    const error = optionError({ directory: join(root, "missing") });
    expect(error.code).toBe("ERR_STATIC_OPTIONS");
    expect(error.option).toBe("directory");
    expect(error.message).toContain("does not exist");
  });

  it("rejects a directory that is a file", () => {
    expect(optionError({ directory: join(root, "file.txt") }).message).toContain("is not a directory");
  });

  it("rejects an empty directory string", () => {
    expect(optionError({ directory: "" }).option).toBe("directory");
  });

  it("rejects a prefix without a leading slash", () => {
    expect(optionError({ directory: root, prefix: "static" }).option).toBe("prefix");
  });

  it("rejects a prefix with dot segments", () => {
    expect(optionError({ directory: root, prefix: "/a/../b" }).option).toBe("prefix");
  });

  it("rejects an index that is a path", () => {
    expect(optionError({ directory: root, index: "a/index.html" }).option).toBe("index");
  });

  it("rejects a fallback that climbs out of the directory", () => {
    expect(optionError({ directory: root, fallback: "../index.html" }).option).toBe("fallback");
  });

  it("rejects an unknown precompressed encoding", () => {
    expect(optionError({ directory: root, precompressed: ["deflate" as "gzip"] }).message).toContain('unknown encoding "deflate"');
  });

  it("rejects a non-positive maxRanges", () => {
    expect(optionError({ directory: root, maxRanges: 0 }).option).toBe("maxRanges");
    expect(optionError({ directory: root, maxRanges: 1.5 }).option).toBe("maxRanges");
  });

  it("rejects stat cache sizes and lifetimes that are not positive", () => {
    expect(optionError({ directory: root, statCache: { maxEntries: 0 } }).message).toContain("maxEntries");
    expect(optionError({ directory: root, statCache: { ttlMs: -1 } }).message).toContain("ttlMs");
  });

  it("rejects a Cache-Control value with control characters", () => {
    expect(optionError({ directory: root, cacheControl: "public\r\nx-injected: 1" }).option).toBe("cacheControl");
  });

  it("rejects an immutable option of the wrong type", () => {
    expect(optionError({ directory: root, immutable: "yes" as unknown as RegExp }).option).toBe("immutable");
  });
});

describe("normalised options", () => {
  it("treats a prefix with a trailing slash like one without", async () => {
    const app = staticFiles({ directory: root, prefix: "/static/" })(innerApp);
    const result = await callApp(app, httpScope({ path: "/static/file.txt" }));
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe("x");
  });

  it("treats a prefix of / as no prefix", async () => {
    const app = staticFiles({ directory: root, prefix: "/" })(innerApp);
    const result = await callApp(app, httpScope({ path: "/file.txt" }));
    expect(result.status).toBe(200);
  });

  it("uses a RegExp with the global flag the same way on every request", async () => {
    const app = staticFiles({ directory: root, immutable: /file/g })(innerApp);
    for (let i = 0; i < 3; i++) {
      const result = await callApp(app, httpScope({ path: "/file.txt" }));
      expect(result.headers).toContainEqual(["cache-control", "public, max-age=31536000, immutable"]);
    }
  });
});
