import { describe, expect, it } from "vitest";
import { negotiateEncoding } from "./negotiate.js";

const SERVER = ["br", "gzip", "deflate"];

describe("negotiateEncoding", () => {
  it.each([
    ["gzip", "gzip"],
    ["gzip, deflate, br", "br"],
    ["deflate, gzip", "gzip"],
    ["gzip;q=1.0, br;q=0.5", "gzip"],
    ["br;q=0.2, gzip;q=0.8, deflate;q=0.5", "gzip"],
    ["br;q=0.5, gzip;q=0.5", "br"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["*;q=0.5, gzip", "gzip"],
    ["*, br;q=0", "gzip"],
    ["GZIP", "gzip"],
    ["Br;Q=0.9, gzip;q=0.1", "br"],
    ["x-gzip", "gzip"],
    ["  gzip ;  q=0.7 ,deflate;q=0.6", "gzip"],
    ["compress, lzma, gzip;q=0.1", "gzip"],
    ["gzip;level=9;q=0.8, deflate;q=0.4", "gzip"],
  ])("for Accept-Encoding %j picks %j", (header, expected) => {
    expect(negotiateEncoding(header, SERVER)).toBe(expected);
  });

  it("returns identity when there is no Accept-Encoding field", () => {
    expect(negotiateEncoding(undefined, SERVER)).toBe("identity");
  });

  it("returns identity for an empty Accept-Encoding field", () => {
    expect(negotiateEncoding("", SERVER)).toBe("identity");
  });

  it("returns identity when the client names only codings the server lacks", () => {
    expect(negotiateEncoding("compress, lzma", SERVER)).toBe("identity");
  });

  it("returns identity when every offered coding has q=0", () => {
    expect(negotiateEncoding("gzip;q=0, br;q=0, deflate;q=0", SERVER)).toBe("identity");
  });

  it("prefers identity when the client gives it a strictly higher q than any coding", () => {
    expect(negotiateEncoding("identity;q=1, gzip;q=0.5", SERVER)).toBe("identity");
  });

  it("prefers the coding when identity has the same q", () => {
    expect(negotiateEncoding("identity, gzip", SERVER)).toBe("gzip");
  });

  it("returns null when identity;q=0 and no offered coding is acceptable", () => {
    expect(negotiateEncoding("identity;q=0", SERVER)).toBeNull();
  });

  it("returns null when *;q=0 refuses everything, identity included", () => {
    expect(negotiateEncoding("*;q=0", SERVER)).toBeNull();
  });

  it("returns identity for *;q=0 when identity is named as acceptable", () => {
    expect(negotiateEncoding("*;q=0, identity", SERVER)).toBe("identity");
  });

  it("still picks a coding when identity is refused but gzip is accepted", () => {
    expect(negotiateEncoding("identity;q=0, gzip", SERVER)).toBe("gzip");
  });

  it("returns null for identity;q=0 with only unknown codings", () => {
    expect(negotiateEncoding("identity;q=0, lzma", SERVER)).toBeNull();
  });

  it("ignores elements with a malformed q value", () => {
    expect(negotiateEncoding("br;q=2, gzip;q=abc, deflate;q=0.3", SERVER)).toBe("deflate");
  });

  it("ignores a malformed identity;q element rather than refusing identity", () => {
    expect(negotiateEncoding("identity;q=-1", SERVER)).toBe("identity");
  });

  it("follows the server's order among codings of equal q", () => {
    expect(negotiateEncoding("br, gzip", ["gzip", "br"])).toBe("gzip");
  });

  it("takes the highest q when a coding is listed twice", () => {
    expect(negotiateEncoding("gzip;q=0.1, br;q=0.5, gzip;q=0.9", SERVER)).toBe("gzip");
  });
});
