import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import type { App } from "@sluice/core";
import { compression } from "../src/index.js";
import { disconnected, httpScope } from "./helpers.js";

const GIB = 1024 * 1024 * 1024;
const CHUNK = 256 * 1024;

/** A 256 KiB chunk of log-like text whose content changes with `index`. */
function chunkAt(index: number, template: Buffer): Buffer {
  const chunk = Buffer.from(template);
  chunk.write(String(index).padStart(12, "0"), 0, "latin1");
  return chunk;
}

describe("memory", () => {
  it("streams 1 GiB through the middleware with memory staying flat", async () => {
    const line = "2026-11-22T10:00:00Z INFO request handled path=/api/items status=200 duration_ms=12\n";
    const template = Buffer.from(line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK));
    const decoder = zlib.createGunzip();
    let decoded = 0;
    decoder.on("data", (data: Buffer) => {
      decoded += data.length;
    });
    const decoderDone = new Promise((resolve, reject) => decoder.on("end", resolve).on("error", reject));

    let encodedBytes = 0;
    let baseline = 0;
    let peakGrowth = 0;
    const sample = (): void => {
      const usage = process.memoryUsage();
      const inUse = usage.rss;
      if (baseline === 0) baseline = inUse;
      peakGrowth = Math.max(peakGrowth, inUse - baseline);
    };

    const chunks = GIB / CHUNK;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      for (let i = 0; i < chunks; i++) {
        await send({ type: "http.response.body", body: chunkAt(i, template), more_body: true });
        if (i === 64) sample(); // baseline after warm-up (16 MiB through)
        if (i > 64 && i % 256 === 0) sample();
      }
      await send({ type: "http.response.body", more_body: false });
    };

    await compression({ levels: { gzip: 1 } })(app)(httpScope([["accept-encoding", "gzip"]]), disconnected, async (event) => {
      if (event.type !== "http.response.body" || event.body === undefined) return;
      encodedBytes += event.body.length;
      // The consumer decodes as it goes and applies its own backpressure.
      await new Promise<void>((resolve, reject) => decoder.write(event.body, (error) => (error ? reject(error) : resolve())));
      if (event.more_body !== true) decoder.end();
    });
    await decoderDone;

    expect(decoded).toBe(GIB);
    expect(encodedBytes).toBeLessThan(GIB / 4);
    expect(peakGrowth).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
