import { describe, expect, it } from "vitest";
import { bytesToLatin1, isByteString, latin1ToBytes, latin1ToUtf8, utf8ToLatin1 } from "./latin1.js";

describe("latin-1 byte strings", () => {
  it("maps every byte value to the char with the same code and back", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = bytesToLatin1(all);
    expect(text).toHaveLength(256);
    expect(text.charCodeAt(0xe9)).toBe(0xe9);
    expect(latin1ToBytes(text)).toEqual(all);
  });

  it("converts payloads longer than one internal step", () => {
    const big = new Uint8Array(20_000).fill(0x61);
    expect(bytesToLatin1(big)).toBe("a".repeat(20_000));
  });

  it("refuses a string with a char above U+00FF, naming its position", () => {
    expect(() => latin1ToBytes("ok€")).toThrow(RangeError);
    expect(() => latin1ToBytes("ok€")).toThrow(/char code 8364 at index 2 is not a byte/);
  });

  it("tells byte strings from other strings", () => {
    expect(isByteString("caf\u00e9\u0000\u00ff")).toBe(true);
    expect(isByteString("snow ☃")).toBe(false);
    expect(isByteString("")).toBe(true);
  });

  it("round-trips UTF-8 text through a byte string of its UTF-8 bytes", () => {
    const latin1 = utf8ToLatin1("café ☃");
    expect(latin1).toBe("caf\u00c3\u00a9 \u00e2\u0098\u0083");
    expect(latin1ToUtf8(latin1)).toBe("café ☃");
  });

  it("decodes invalid UTF-8 with replacement characters instead of throwing", () => {
    expect(latin1ToUtf8("\u00ff")).toBe("\ufffd");
  });
});
