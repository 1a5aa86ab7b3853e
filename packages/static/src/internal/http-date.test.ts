import { describe, expect, it } from "vitest";
import { formatHttpDate, parseHttpDate } from "./http-date.js";

const EXPECTED = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("parseHttpDate", () => {
  it("reads IMF-fixdate", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(EXPECTED);
  });

  it("reads the obsolete RFC 850 form", () => {
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(EXPECTED);
  });

  it("reads the obsolete asctime form", () => {
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(EXPECTED);
  });

  it("rejects values that Date.parse would accept but HTTP does not", () => {
    expect(parseHttpDate("1")).toBeUndefined();
    expect(parseHttpDate("2024-01-01T00:00:00Z")).toBeUndefined();
  });

  it("rejects impossible calendar dates", () => {
    expect(parseHttpDate("Sun, 31 Feb 2021 00:00:00 GMT")).toBeUndefined();
    expect(parseHttpDate("Sun, 06 Nov 1994 25:00:00 GMT")).toBeUndefined();
  });

  it("round-trips what formatHttpDate writes", () => {
    const ms = Date.UTC(2025, 0, 2, 3, 4, 5);
    expect(parseHttpDate(formatHttpDate(ms))).toBe(ms);
  });
});
