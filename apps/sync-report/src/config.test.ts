import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "./config.js";

describe("readConfig", () => {
  it("defaults to 100,000 rows in data/sales.sqlite beside the app", () => {
    const config = readConfig({});
    expect(config.rows).toBe(100_000);
    expect(config.databasePath).toMatch(/sync-report\/data\/sales\.sqlite$/);
  });

  it("takes the database path and row count from the environment", () => {
    expect(readConfig({ SYNC_REPORT_DB: ":memory:", SYNC_REPORT_ROWS: "5000" })).toEqual({ databasePath: ":memory:", rows: 5000 });
  });

  it("refuses a row count that is not a whole number in range", () => {
    for (const rows of ["0", "ten", "1e6", "10000001"]) {
      expect(() => readConfig({ SYNC_REPORT_ROWS: rows })).toThrow(ConfigError);
    }
    expect(() => readConfig({ SYNC_REPORT_ROWS: "ten" })).toThrow('SYNC_REPORT_ROWS must be a whole number from 1 to 10000000, got "ten"');
  });
});
