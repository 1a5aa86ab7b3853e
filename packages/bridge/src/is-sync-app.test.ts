import { describe, expect, it } from "vitest";
import { isSyncApp } from "./is-sync-app.js";

describe("isSyncApp", () => {
  it("recognises a plain two-parameter function as a sync app", () => {
    expect(isSyncApp((_environ: unknown, _startResponse: unknown) => [])).toBe(true);
    expect(
      isSyncApp(function app(_environ: unknown, _startResponse: unknown) {
        return [];
      }),
    ).toBe(true);
  });

  it("rejects async apps: async functions and three-parameter functions", () => {
    expect(isSyncApp(async (_scope: unknown, _receive: unknown) => Promise.resolve())).toBe(false);
    expect(isSyncApp((_scope: unknown, _receive: unknown, _send: unknown) => Promise.resolve())).toBe(false);
  });

  it("rejects generator functions and non-functions", () => {
    expect(
      isSyncApp(function* (_environ: unknown, _startResponse: unknown) {
        yield new Uint8Array();
      }),
    ).toBe(false);
    expect(isSyncApp({ length: 2 })).toBe(false);
    expect(isSyncApp(undefined)).toBe(false);
  });

  it("does not count a parameter with a default value (documented limit)", () => {
    expect(isSyncApp((_environ: unknown, _startResponse: unknown = null) => [])).toBe(false);
  });
});
