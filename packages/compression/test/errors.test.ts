import { describe, expect, it } from "vitest";
import type { App, SendEvent } from "@sluice/core";
import { CompressionError } from "../src/index.js";
import { compressionWith } from "../src/internal/middleware.js";
import { failingCodec, garbage, validPrefix } from "./codec-failure.js";
import { collectInto, disconnected, httpScope, oneShotApp } from "./helpers.js";

const middleware = compressionWith({ codecs: [failingCodec], minimumSize: 0, filter: () => true });
const scope = httpScope([["accept-encoding", "gzip"]]);

describe("codec errors", () => {
  it("rejects the app's send with CompressionError when zlib fails mid-stream", async () => {
    const sent: SendEvent[] = [];
    let failure: unknown;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await send({ type: "http.response.body", body: validPrefix, more_body: true });
      failure = await send({ type: "http.response.body", body: garbage, more_body: true }).catch((error: unknown) => error);
    };
    await middleware(app)(scope, disconnected, collectInto(sent));
    expect(failure).toBeInstanceOf(CompressionError);
    expect((failure as CompressionError).code).toBe("ERR_COMPRESSION_FAILED");
    expect((failure as CompressionError).encoding).toBe("gzip");
    expect(((failure as CompressionError).cause as { code?: string }).code).toBe("Z_DATA_ERROR");
    // The start and the first chunk went out; nothing that looks like a complete response follows.
    expect(sent.map((event) => event.type)).toEqual(["http.response.start", "http.response.body"]);
    expect(sent.some((event) => event.type === "http.response.body" && event.more_body !== true)).toBe(false);
  });

  it("keeps rejecting later sends after the codec failed", async () => {
    let later: unknown;
    const app: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
      await send({ type: "http.response.body", body: garbage, more_body: true }).catch(() => undefined);
      later = await send({ type: "http.response.body", more_body: false }).catch((error: unknown) => error);
    };
    await middleware(app)(scope, disconnected, () => Promise.resolve());
    expect(later).toBeInstanceOf(CompressionError);
  });

  it("rejects a one-message body's send with CompressionError before anything is sent", async () => {
    const sent: SendEvent[] = [];
    const run = middleware(oneShotApp(garbage, [["content-type", "text/plain"]]))(scope, disconnected, collectInto(sent));
    await expect(run).rejects.toBeInstanceOf(CompressionError);
    expect(sent).toEqual([]);
  });
});
