import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { seedSalesDatabase } from "./dataset.js";
import type { SalesFilter } from "./sales-filter.js";

/** One row of the CSV export: id, day, region, product name, category, quantity, unit price (cents). */
export type ExportRow = [id: number, soldOn: string, region: string, product: string, category: string, quantity: number, unitPriceCents: number];

/** One row fed to the report: day, region, product id, quantity, unit price (cents). */
export type ReportRow = [soldOn: string, region: string, productId: number, quantity: number, unitPriceCents: number];

/** Options of `SalesStore.open()`. */
export interface SalesStoreOptions {
  /** How many generated sales the database must hold; it is (re-)seeded when it holds another dataset. */
  rows: number;
}

const FILTER_SQL = "sold_on BETWEEN @from AND @to AND (@region IS NULL OR region = @region)";

/**
 * The app's data access: one synchronous `better-sqlite3` connection per thread (each pool
 * worker opens its own) with prepared statements. Every query returns a lazy row iterator.
 * While one is open its statement cannot run again and the connection cannot write or
 * close, so callers must finish it or call its `return()` (the CSV export does that from
 * the response's `close()`).
 */
export class SalesStore {
  readonly #db: Database.Database;
  readonly #exportRows: Database.Statement<[BoundFilter], ExportRow>;
  readonly #reportRows: Database.Statement<[BoundFilter], ReportRow>;
  readonly #countRows: Database.Statement<[BoundFilter], number>;
  /** The number of sales in the database. */
  readonly rowCount: number;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#exportRows = db
      .prepare<[BoundFilter], ExportRow>(
        `SELECT s.id, s.sold_on, s.region, p.name, p.category, s.quantity, s.unit_price_cents
         FROM sales s JOIN products p ON p.id = s.product_id
         WHERE s.sold_on BETWEEN @from AND @to AND (@region IS NULL OR s.region = @region)
         ORDER BY s.sold_on, s.id`,
      )
      .raw(true);
    this.#reportRows = db
      .prepare<[BoundFilter], ReportRow>(`SELECT sold_on, region, product_id, quantity, unit_price_cents FROM sales WHERE ${FILTER_SQL}`)
      .raw(true);
    this.#countRows = db.prepare<[BoundFilter], number>(`SELECT count(*) FROM sales WHERE ${FILTER_SQL}`).pluck(true);
    this.rowCount = db.prepare<[], number>("SELECT count(*) FROM sales").pluck(true).get() ?? 0;
  }

  /**
   * Opens (creating and seeding when needed) the database at `path`; `":memory:"` gives a
   * private in-memory database.
   */
  static open(path: string, options: SalesStoreOptions): SalesStore {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    // A generous busy timeout: another worker may be seeding the same file right now.
    const db = new Database(path, { timeout: 120_000 });
    if (path !== ":memory:") db.pragma("journal_mode = WAL");
    seedSalesDatabase(db, options.rows);
    return new SalesStore(db);
  }

  /** The sales matching `filter`, with product names, in date order (lazy: one row per step). */
  exportRows(filter: SalesFilter): IterableIterator<ExportRow> {
    return this.#exportRows.iterate(bind(filter));
  }

  /** The report columns of the sales matching `filter` (lazy). */
  reportRows(filter: SalesFilter): IterableIterator<ReportRow> {
    return this.#reportRows.iterate(bind(filter));
  }

  /** How many sales match `filter`. */
  countRows(filter: SalesFilter): number {
    return this.#countRows.get(bind(filter)) ?? 0;
  }

  /** Closes the connection. */
  close(): void {
    this.#db.close();
  }
}

interface BoundFilter {
  from: string;
  to: string;
  region: string | null;
}

function bind(filter: SalesFilter): BoundFilter {
  return { from: filter.from, to: filter.to, region: filter.region ?? null };
}
