import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { generateSales, seedSalesDatabase } from "./dataset.js";
import { ALL_SALES } from "./sales-filter.js";
import { SalesStore } from "./sales-store.js";

const directory = mkdtempSync(join(tmpdir(), "sync-report-store-"));
const opened: SalesStore[] = [];
afterAll(() => opened.forEach((store) => store.close()));

function open(path: string, rows: number): SalesStore {
  const store = SalesStore.open(path, { rows });
  opened.push(store);
  return store;
}

describe("generateSales", () => {
  it("generates the same rows every time", () => {
    expect([...generateSales(500)]).toEqual([...generateSales(500)]);
  });

  it("spreads the rows in date order over 2024 and 2025", () => {
    const rows = [...generateSales(10_000)];
    const days = rows.map((row) => row[1]);
    expect(days[0]).toBe("2024-01-01");
    expect(days.at(-1)).toBe("2025-12-31");
    expect([...days].sort()).toEqual(days);
  });
});

describe("SalesStore.open", () => {
  it("creates the file, seeds it and counts the rows", () => {
    expect(open(join(directory, "a.sqlite"), 3_000).rowCount).toBe(3_000);
  });

  it("leaves a database that already holds the dataset untouched", () => {
    const path = join(directory, "b.sqlite");
    open(path, 2_000);
    const db = new Database(path);
    expect(seedSalesDatabase(db, 2_000)).toBe(false);
    db.close();
  });

  it("re-seeds a database that holds a different number of rows", () => {
    const path = join(directory, "c.sqlite");
    open(path, 1_000);
    expect(open(path, 1_500).rowCount).toBe(1_500);
  });

  it("filters by inclusive day range and region", () => {
    const store = open(":memory:", 5_000);
    const filter = { from: "2024-02-01", to: "2024-02-29", region: "west" as const };
    const rows = [...store.exportRows(filter)];
    expect(rows.length).toBe(store.countRows(filter));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(([, day, region]) => day >= filter.from && day <= filter.to && region === "west")).toBe(true);
    expect(store.countRows(ALL_SALES)).toBe(5_000);
  });

  it("cannot start a second export while a row cursor is open, until the cursor is returned", () => {
    const store = open(":memory:", 1_000);
    const cursor = store.exportRows(ALL_SALES);
    cursor.next();
    expect(() => store.exportRows(ALL_SALES).next()).toThrow("This statement is busy executing a query");
    cursor.return?.();
    expect([...store.exportRows(ALL_SALES)]).toHaveLength(1_000);
  });
});
