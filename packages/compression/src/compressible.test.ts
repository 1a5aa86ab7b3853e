import { describe, expect, it } from "vitest";
import { isCompressibleType } from "./compressible.js";

describe("isCompressibleType", () => {
  it.each(["application/json", "text/html; charset=utf-8", "TEXT/CSS", "application/javascript", "image/svg+xml", "text/event-stream"])(
    "treats %j as compressible",
    (type) => {
      expect(isCompressibleType(type)).toBe(true);
    },
  );

  it.each(["image/png", "image/jpeg", "application/zip", "video/mp4", "application/gzip"])("treats %j as not compressible", (type) => {
    expect(isCompressibleType(type)).toBe(false);
  });

  it("falls back to text/* for a type mime-db does not know", () => {
    expect(isCompressibleType("text/x-sluice-test")).toBe(true);
  });

  it("falls back to the +json suffix for a type mime-db does not know", () => {
    expect(isCompressibleType("application/vnd.sluice.test+json")).toBe(true);
  });

  it("does not compress an unknown non-text type", () => {
    expect(isCompressibleType("application/x-sluice-binary")).toBe(false);
  });

  it("does not compress a response without a type", () => {
    expect(isCompressibleType("")).toBe(false);
  });
});
