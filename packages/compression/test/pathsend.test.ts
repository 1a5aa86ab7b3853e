import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App, SendEvent } from "@sluice/core";
import { compression } from "../src/index.js";
import { collectInto, disconnected, httpScope, record, run } from "./helpers.js";

let dir = "";
let bigFile = "";
let smallFile = "";
const bigContent = Buffer.from("<p>hello, compressed world</p>\n".repeat(20_000));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sluice-compression-"));
  bigFile = path.join(dir, "big.html");
  smallFile = path.join(dir, "small.html");
  await writeFile(bigFile, bigContent);
  await writeFile(smallFile, "<p>hi</p>");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function pathsendApp(file: string, size?: number): App {
  return async (_scope, _receive, send) => {
    const headers: Array<[string, string]> = [["content-type", "text/html"], ["etag", '"f1"']];
    if (size !== undefined) headers.push(["content-length", String(size)]);
    await send({ type: "http.response.start", status: 200, headers });
    await send({ type: "http.response.pathsend", path: file });
  };
}

describe("files sent with http.response.pathsend", () => {
  it("reads and encodes a file the app sends with pathsend", async () => {
    const response = await run(compression()(pathsendApp(bigFile, bigContent.length)), httpScope([["accept-encoding", "gzip"]]));
    expect(response.header("content-encoding")).toBe("gzip");
    expect(response.header("content-length")).toBeUndefined();
    expect(response.header("etag")).toBe('W/"f1"');
    expect(response.events.some((event) => event.type === "http.response.pathsend")).toBe(false);
    expect(zlib.gunzipSync(response.body).equals(bigContent)).toBe(true);
  });

  it("sizes the file itself when the app sends no Content-Length", async () => {
    const response = await run(compression()(pathsendApp(bigFile)), httpScope([["accept-encoding", "br"]]));
    expect(zlib.brotliDecompressSync(response.body).equals(bigContent)).toBe(true);
  });

  it("passes the pathsend through when the file is under minimumSize", async () => {
    const response = await run(compression()(pathsendApp(smallFile)), httpScope([["accept-encoding", "gzip"]]));
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.events.at(-1)).toEqual({ type: "http.response.pathsend", path: smallFile });
  });

  it("passes the pathsend through for a client that wants identity", async () => {
    const response = await run(compression()(pathsendApp(bigFile)), httpScope([]));
    expect(response.header("content-encoding")).toBeUndefined();
    expect(response.header("vary")).toBe("Accept-Encoding");
    expect(response.events.at(-1)).toEqual({ type: "http.response.pathsend", path: bigFile });
  });

  it("rejects the send and sends nothing when the file cannot be opened", async () => {
    const sent: SendEvent[] = [];
    const outcome = compression()(pathsendApp(path.join(dir, "missing.html")))(httpScope([["accept-encoding", "gzip"]]), disconnected, collectInto(sent));
    await expect(outcome).rejects.toMatchObject({ code: "ENOENT" });
    expect(record(sent).events).toEqual([]);
  });
});
