import { describe, expect, it } from "vitest";
import { ProtocolError } from "./errors.js";
import { decodePath, headersFromRawHeaders, parseRequestTarget } from "./request-target.js";
import { expectRule, thrownBy } from "../test/support.js";

describe("parseRequestTarget", () => {
  it("splits path and query and decodes the path as UTF-8", () => {
    expect(parseRequestTarget("/caf%C3%A9/a%20b?x=1&y=%20")).toEqual({ path: "/café/a b", raw_path: "/caf%C3%A9/a%20b", query_string: "x=1&y=%20" });
  });

  it("gives an empty query string when there is no question mark", () => {
    expect(parseRequestTarget("/plain")).toEqual({ path: "/plain", raw_path: "/plain", query_string: "" });
  });

  it("keeps later question marks in the query string", () => {
    expect(parseRequestTarget("/a?b?c").query_string).toBe("b?c");
  });

  it("reduces an absolute-form target to its path and query", () => {
    expect(parseRequestTarget("http://example.test:8080/x/y?z=1")).toEqual({ path: "/x/y", raw_path: "/x/y", query_string: "z=1" });
    expect(parseRequestTarget("http://example.test?z=1")).toEqual({ path: "/", raw_path: "/", query_string: "z=1" });
  });

  it("drops a fragment", () => {
    expect(parseRequestTarget("/page#section")).toEqual({ path: "/page", raw_path: "/page", query_string: "" });
  });

  it("decodes an encoded slash into the path but keeps it in raw_path", () => {
    expect(parseRequestTarget("/a%2Fb")).toMatchObject({ path: "/a/b", raw_path: "/a%2Fb" });
  });

  it("rejects a malformed percent-escape with a path-encoding ProtocolError", () => {
    const error = thrownBy(() => parseRequestTarget("/bad%zz"));
    expectRule(error, "path-encoding", /malformed percent-escape "%zz" in request path/);
  });

  it("rejects a truncated percent-escape at the end", () => {
    expectRule(thrownBy(() => decodePath("/end%4")), "path-encoding", /malformed percent-escape "%4"/);
  });

  it("rejects percent-escaped bytes that are not UTF-8", () => {
    expectRule(thrownBy(() => decodePath("/%C3%28")), "path-encoding", /does not decode as UTF-8/);
  });

  it("rejects a path that is not a byte string", () => {
    const error = thrownBy(() => decodePath("/snow%20☃"));
    expect(error).toBeInstanceOf(ProtocolError);
    expectRule(error, "path-encoding", /request path is not a byte string/);
  });

  it("reads raw latin-1 bytes in a path as UTF-8", () => {
    expect(decodePath("/caf\u00c3\u00a9")).toBe("/café");
  });
});

describe("headersFromRawHeaders", () => {
  it("lowercases names and keeps order and duplicates", () => {
    expect(headersFromRawHeaders(["Host", "a", "X-Id", "1", "x-id", "2"])).toEqual([
      ["host", "a"],
      ["x-id", "1"],
      ["x-id", "2"],
    ]);
  });

  it("ignores a trailing name without a value", () => {
    expect(headersFromRawHeaders(["Host", "a", "Dangling"])).toEqual([["host", "a"]]);
  });
});
