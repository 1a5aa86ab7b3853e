import { describe, expect, it } from "vitest";
import { parseRequestedPath, routePathOf } from "./request-path.js";
import { httpScope } from "../../test/support/in-process.js";

describe("routePathOf", () => {
  it("returns the whole path without a prefix", () => {
    expect(routePathOf(httpScope({ path: "/a/b" }), "")).toBe("/a/b");
  });

  it("strips the prefix", () => {
    expect(routePathOf(httpScope({ path: "/static/a.css" }), "/static")).toBe("/a.css");
    expect(routePathOf(httpScope({ path: "/static" }), "/static")).toBe("");
  });

  it("does not match a longer first segment that starts like the prefix", () => {
    expect(routePathOf(httpScope({ path: "/staticky/a.css" }), "/static")).toBeUndefined();
  });

  it("strips the mount point (root_path) before the prefix", () => {
    expect(routePathOf(httpScope({ path: "/mount/static/a.css", root_path: "/mount" }), "/static")).toBe("/a.css");
  });
});

describe("parseRequestedPath", () => {
  it("accepts a plain file path", () => {
    expect(parseRequestedPath("/css/site.css", false)).toEqual({ relative: "css/site.css", directoryForm: false });
  });

  it("marks a trailing slash as directory form", () => {
    expect(parseRequestedPath("/docs/", false)).toEqual({ relative: "docs", directoryForm: true });
    expect(parseRequestedPath("/", false)).toEqual({ relative: "", directoryForm: true });
  });

  it.each(["/../etc/passwd", "/a/../../b", "/./a", "/a/.", "/a//b", "/a\\..\\b", "/a\0b", "//etc/passwd"])(
    "refuses %j",
    (path) => {
      expect(parseRequestedPath(path, false)).toBeUndefined();
    },
  );

  it("refuses dotfiles unless allowed", () => {
    expect(parseRequestedPath("/.env", false)).toBeUndefined();
    expect(parseRequestedPath("/.git/config", false)).toBeUndefined();
    expect(parseRequestedPath("/.env", true)).toEqual({ relative: ".env", directoryForm: false });
  });

  it("always allows .well-known but not dotfiles inside it", () => {
    expect(parseRequestedPath("/.well-known/security.txt", false)).toEqual({ relative: ".well-known/security.txt", directoryForm: false });
    expect(parseRequestedPath("/.well-known/.secret", false)).toBeUndefined();
  });

  it("keeps percent signs literal (no second decoding)", () => {
    expect(parseRequestedPath("/%2e%2e/x", false)).toEqual({ relative: "%2e%2e/x", directoryForm: false });
  });
});
