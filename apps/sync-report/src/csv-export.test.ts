import { afterAll, describe, expect, it } from "vitest";
import { CHUNK_BYTES, CSV_HEADER, CsvExport, csvField, csvLine } from "./csv-export.js";
import { ALL_SALES } from "./sales-filter.js";
import { SalesStore } from "./sales-store.js";

const store = SalesStore.open(":memory:", { rows: 20_000 });
afterAll(() => store.close());

const decoder = new TextDecoder();

/** Splits RFC 4180 text into records of fields (quoted fields may hold commas and quotes). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  for (const line of text.split("\r\n")) {
    if (line === "") continue;
    const fields: string[] = [];
    for (const match of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) fields.push(match[1] === undefined ? (match[2] ?? "") : match[1].replaceAll('""', '"'));
    records.push(fields);
  }
  return records;
}

describe("csvField and csvLine", () => {
  it("leaves plain text alone and quotes text with commas or quotes, doubling the quotes", () => {
    expect(csvField("Stapler")).toBe("Stapler");
    expect(csvField('Notebook, "Squared" A4')).toBe('"Notebook, ""Squared"" A4"');
  });

  it("writes prices with two decimals and the line total", () => {
    expect(csvLine([7, "2024-05-06", "west", "Stapler", "stationery", 3, 1205])).toBe("7,2024-05-06,west,Stapler,stationery,3,12.05,36.15\r\n");
  });
});

describe("CsvExport", () => {
  it("yields the header and every row, in chunks of just under 64 KiB", () => {
    const chunks = [...new CsvExport(store.exportRows(ALL_SALES))];
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThan(CHUNK_BYTES - 400);
      expect(chunk.length).toBeLessThanOrEqual(CHUNK_BYTES);
    }
    const text = chunks.map((chunk) => decoder.decode(chunk)).join("");
    expect(text.startsWith(CSV_HEADER)).toBe(true);
    const records = parseCsv(text);
    expect(records.length).toBe(20_001);
    expect(records.every((record) => record.length === 8)).toBe(true);
    expect(records.some((record) => record[3] === 'Notebook, "Squared" A4')).toBe(true);
  });

  it("reads rows only as chunks are pulled", () => {
    let rowsRead = -1;
    const body = new CsvExport(store.exportRows(ALL_SALES), (rows) => (rowsRead = rows));
    body[Symbol.iterator]().next();
    body.close();
    expect(rowsRead).toBeGreaterThan(500);
    expect(rowsRead).toBeLessThan(2_000);
  });

  it("releases the cursor on close() so the next export can run", () => {
    const body = new CsvExport(store.exportRows(ALL_SALES));
    body[Symbol.iterator]().next();
    expect(() => store.exportRows(ALL_SALES).next()).toThrow(/busy/);
    body.close();
    expect([...store.exportRows(ALL_SALES)]).toHaveLength(20_000);
  });

  it("releases the cursor on close() even when no chunk was ever pulled", () => {
    new CsvExport(store.exportRows(ALL_SALES)).close();
    expect([...store.exportRows(ALL_SALES)]).toHaveLength(20_000);
  });

  it("tells its close callback whether the export finished", () => {
    const outcomes: Array<[number, boolean]> = [];
    const full = new CsvExport(store.exportRows({ from: "2024-01-01", to: "2024-01-31", region: undefined }), (rows, finished) => outcomes.push([rows, finished]));
    for (const chunk of full) expect(chunk.length).toBeGreaterThan(0);
    full.close();
    full.close();
    expect(outcomes).toEqual([[store.countRows({ from: "2024-01-01", to: "2024-01-31", region: undefined }), true]]);
  });
});
