import { describe, expect, it } from "vitest";
import { makeETag, parseETagList, strongMatch, weakMatch } from "./etag.js";

const file = { dev: 1, ino: 2, size: 3, mtimeMs: 4.5 };

describe("makeETag", () => {
  it("produces a quoted strong tag", () => {
    expect(makeETag(file, "identity")).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  });

  it("gives each content coding of the same file its own tag", () => {
    expect(makeETag(file, "br")).not.toBe(makeETag(file, "identity"));
    expect(makeETag(file, "gzip")).not.toBe(makeETag(file, "br"));
  });

  it("changes when size or modification time changes", () => {
    const base = makeETag(file, "identity");
    expect(makeETag({ ...file, size: 4 }, "identity")).not.toBe(base);
    expect(makeETag({ ...file, mtimeMs: 4.6 }, "identity")).not.toBe(base);
  });

  it("does not disclose the inode number", () => {
    expect(makeETag({ ...file, ino: 987654321 }, "identity")).not.toContain("987654321");
  });
});

describe("parseETagList", () => {
  it("reads a star", () => {
    expect(parseETagList(" * ")).toBe("*");
  });

  it("reads a list of strong and weak tags", () => {
    expect(parseETagList('"a", W/"b",  "c"')).toEqual([
      { weak: false, opaque: '"a"' },
      { weak: true, opaque: '"b"' },
      { weak: false, opaque: '"c"' },
    ]);
  });

  it("keeps commas that are inside a quoted tag", () => {
    expect(parseETagList('"a,b", "c"')).toEqual([
      { weak: false, opaque: '"a,b"' },
      { weak: false, opaque: '"c"' },
    ]);
  });

  it("rejects unquoted tags", () => {
    expect(parseETagList("abc")).toBeUndefined();
  });

  it("rejects an unterminated tag", () => {
    expect(parseETagList('"abc')).toBeUndefined();
  });

  it("rejects garbage after a tag", () => {
    expect(parseETagList('"a" x')).toBeUndefined();
  });
});

describe("comparisons", () => {
  it("strong comparison refuses weak tags even with the same opaque part", () => {
    expect(strongMatch({ weak: true, opaque: '"x"' }, '"x"')).toBe(false);
    expect(strongMatch({ weak: false, opaque: '"x"' }, '"x"')).toBe(true);
  });

  it("weak comparison ignores weakness", () => {
    expect(weakMatch({ weak: true, opaque: '"x"' }, '"x"')).toBe(true);
    expect(weakMatch({ weak: false, opaque: '"y"' }, '"x"')).toBe(false);
  });
});
