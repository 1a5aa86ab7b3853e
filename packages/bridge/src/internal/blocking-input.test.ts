import { describe, expect, it } from "vitest";
import { BlockingInput } from "./blocking-input.js";

const source = (...parts: string[]) => {
  const chunks = parts.map((part) => new TextEncoder().encode(part));
  let pulls = 0;
  return {
    pull: () => {
      pulls++;
      return chunks.shift() ?? null;
    },
    pulls: () => pulls,
  };
};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("BlockingInput", () => {
  it("pulls only as many chunks as a read needs", () => {
    const feed = source("abc", "def", "ghi");
    const input = new BlockingInput(feed.pull, Infinity);
    expect(text(input.read(2))).toBe("ab");
    expect(feed.pulls()).toBe(1);
    expect(text(input.read(3))).toBe("cde");
    expect(feed.pulls()).toBe(2);
  });

  it("stops at the limit without asking the source again", () => {
    const feed = source("abcdef", "ghi");
    const input = new BlockingInput(feed.pull, 4);
    expect(text(input.read())).toBe("abcd");
    expect(text(input.read())).toBe("");
    expect(feed.pulls()).toBe(1);
  });

  it("skips empty chunks from the source", () => {
    const input = new BlockingInput(source("", "a\n", "", "b").pull, Infinity);
    expect(input.readlines().map(text)).toEqual(["a\n", "b"]);
  });

  it("stops readlines once the hint is reached", () => {
    const input = new BlockingInput(source("one\ntwo\nthree\n").pull, Infinity);
    expect(input.readlines(5).map(text)).toEqual(["one\n", "two\n"]);
  });

  it("returns an empty result for read(0) and readline(0)", () => {
    const input = new BlockingInput(source("abc").pull, Infinity);
    expect(input.read(0).length).toBe(0);
    expect(input.readline(0).length).toBe(0);
    expect(text(input.read())).toBe("abc");
  });
});
