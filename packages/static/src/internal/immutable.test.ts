import { describe, expect, it } from "vitest";
import { looksContentHashed } from "./immutable.js";

describe("looksContentHashed", () => {
  it.each(["app.3f9a8c1b.js", "assets/chunk-0a1b2c3d4e.css", "img/logo.ABCDEF12.png"])("recognises %s", (name) => {
    expect(looksContentHashed(name)).toBe(true);
  });

  it.each(["app.js", "report-20240101.pdf", "lib-deadbeef.js", "app.3f9a8c1.js", "v1.2.3.js", "3f9a8c1b/app.js"])("does not treat %s as hashed", (name) => {
    expect(looksContentHashed(name)).toBe(false);
  });
});
