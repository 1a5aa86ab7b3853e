import { describe, expect, it } from "vitest";
import { compression } from "./compression.js";
import { CompressionConfigError } from "./errors.js";
import type { CompressionOptions, EncodingName } from "./options.js";

function configError(options: CompressionOptions): CompressionConfigError {
  try {
    compression(options);
  } catch (error) {
    if (error instanceof CompressionConfigError) return error;
    throw error;
  }
  throw new Error("compression() accepted the options");
}

describe("compression options", () => {
  it("accepts no options at all", () => {
    expect(typeof compression()).toBe("function");
  });

  it("rejects an unknown encoding, naming it", () => {
    const error = configError({ encodings: ["gzip", "lzma" as EncodingName] });
    expect(error.code).toBe("ERR_COMPRESSION_CONFIG");
    expect(error.option).toBe("encodings");
    expect(error.message).toContain('"lzma"');
  });

  it("rejects an empty encodings list", () => {
    expect(configError({ encodings: [] }).option).toBe("encodings");
  });

  it("rejects an encoding listed twice", () => {
    expect(configError({ encodings: ["gzip", "gzip"] }).message).toContain("twice");
  });

  it("rejects a gzip level above 9", () => {
    const error = configError({ levels: { gzip: 10 } });
    expect(error.option).toBe("levels.gzip");
    expect(error.message).toContain("0 to 9");
  });

  it("rejects a Brotli quality above 11", () => {
    expect(configError({ levels: { br: 12 } }).option).toBe("levels.br");
  });

  it("rejects a fractional level", () => {
    expect(configError({ levels: { deflate: 4.5 } }).option).toBe("levels.deflate");
  });

  it("rejects a zstd level out of range even when zstd is unavailable", () => {
    expect(configError({ levels: { zstd: 30 } }).option).toBe("levels.zstd");
  });

  it("rejects a level for an unknown encoding", () => {
    expect(configError({ levels: { lzma: 3 } as never }).option).toBe("levels");
  });

  it("rejects a negative minimumSize", () => {
    expect(configError({ minimumSize: -1 }).option).toBe("minimumSize");
  });

  it("rejects a filter that is not a function", () => {
    expect(configError({ filter: "text/*" as never }).option).toBe("filter");
  });
});
