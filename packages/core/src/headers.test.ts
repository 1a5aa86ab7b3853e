import { describe, expect, it } from "vitest";
import type { Headers } from "./common.js";
import { getHeader, getHeaderValues, hasHeader, splitHeaderList, withHeader, withoutHeader, withVary } from "./headers.js";

const headers: Headers = [
  ["content-type", "text/plain"],
  ["set-cookie", "a=1"],
  ["Set-Cookie", "b=2"],
];

describe("header helpers", () => {
  it("finds the first value whatever the case of the name", () => {
    expect(getHeader(headers, "CONTENT-TYPE")).toBe("text/plain");
    expect(getHeader(headers, "set-cookie")).toBe("a=1");
  });

  it("returns undefined for a missing header", () => {
    expect(getHeader(headers, "etag")).toBeUndefined();
    expect(getHeader([], "etag")).toBeUndefined();
  });

  it("does not match a header whose name only starts with the wanted one", () => {
    expect(getHeader([["content-type-options", "x"]], "content-type")).toBeUndefined();
  });

  it("collects every value of a repeated header in order", () => {
    expect(getHeaderValues(headers, "SET-COOKIE")).toEqual(["a=1", "b=2"]);
    expect(getHeaderValues(headers, "vary")).toEqual([]);
  });

  it("tells whether a header is present, even with an empty value", () => {
    expect(hasHeader([["x-empty", ""]], "X-Empty")).toBe(true);
    expect(hasHeader(headers, "x-missing")).toBe(false);
  });

  it("removes every copy of a header without touching the input", () => {
    expect(withoutHeader(headers, "set-cookie")).toEqual([["content-type", "text/plain"]]);
    expect(headers).toHaveLength(3);
  });

  it("replaces a repeated header with one value at the first position", () => {
    expect(withHeader(headers, "set-cookie", "c=3")).toEqual([
      ["content-type", "text/plain"],
      ["set-cookie", "c=3"],
    ]);
  });

  it("appends a header that was absent, lowercased", () => {
    expect(withHeader([], "ETag", '"v1"')).toEqual([["etag", '"v1"']]);
  });

  it("splits a comma-separated list into trimmed non-empty elements", () => {
    expect(splitHeaderList(" gzip , br;q=0.5,,deflate ")).toEqual(["gzip", "br;q=0.5", "deflate"]);
    expect(splitHeaderList(" , ")).toEqual([]);
  });

  it("adds a field to Vary without duplicating one already listed in another case", () => {
    expect(withVary([["vary", "accept-encoding"]], "Accept-Encoding", "Origin")).toEqual([["vary", "accept-encoding, Origin"]]);
  });

  it("merges repeated Vary headers into one", () => {
    expect(withVary([["vary", "Origin"], ["content-type", "x"], ["vary", "Cookie"]], "Accept")).toEqual([
      ["vary", "Origin, Cookie, Accept"],
      ["content-type", "x"],
    ]);
  });

  it("keeps Vary: * as it is", () => {
    expect(withVary([["vary", "*"]], "Origin")).toEqual([["vary", "*"]]);
  });
});
