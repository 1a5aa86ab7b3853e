import type { Database } from "better-sqlite3";
import { DAY_COUNT, FIRST_DAY, PRODUCTS, REGIONS } from "./catalog.js";
import { randomIndex, seededRandom } from "./internal/random.js";

/** Bumped whenever the generated rows change, so old database files are re-seeded. */
const DATASET_VERSION = "1";

/** The seed of the generator: the dataset is identical on every machine. */
const DATASET_SEED = 20_240_101;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    list_price_cents INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS sales (
    id INTEGER PRIMARY KEY,
    sold_on TEXT NOT NULL,
    region TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    customer_id INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS sales_by_day ON sales (sold_on);
`;

/** One generated sale, in column order of the `sales` table. */
export type SaleRow = [id: number, soldOn: string, region: string, productId: number, quantity: number, unitPriceCents: number, customerId: number];

/**
 * Generates `count` sales deterministically, in date order: the same count always gives the
 * same rows. Dates spread evenly over 2024–2025, regions and products are skewed so the
 * report has something to show.
 */
export function* generateSales(count: number): Generator<SaleRow> {
  const random = seededRandom(DATASET_SEED);
  const days = dayStrings();
  for (let index = 0; index < count; index++) {
    const day = days[Math.floor((index * DAY_COUNT) / count)] ?? FIRST_DAY;
    const region = REGIONS[Math.min(REGIONS.length - 1, Math.floor(random() ** 1.5 * REGIONS.length))] ?? "north";
    const product = PRODUCTS[Math.min(PRODUCTS.length - 1, Math.floor(random() ** 2 * PRODUCTS.length))] ?? PRODUCTS[0];
    const quantity = 1 + Math.floor(random() ** 3 * 20);
    const unitPriceCents = Math.round((product?.listPriceCents ?? 100) * (0.85 + random() * 0.3));
    yield [index + 1, day, region, product?.id ?? 1, quantity, unitPriceCents, 1 + randomIndex(random, 5_000)];
  }
}

/**
 * Creates the schema and fills it with `rows` generated sales, unless the database already
 * holds exactly that dataset. Runs in one `BEGIN IMMEDIATE` transaction, so when several
 * worker threads open the same file at once, one seeds and the others wait, then find it done.
 *
 * @returns whether this call wrote the rows
 */
export function seedSalesDatabase(db: Database, rows: number): boolean {
  db.exec(SCHEMA);
  const readMeta = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
  const seed = db.transaction((): boolean => {
    const seededRows = readMeta.get("rows")?.value;
    const seededVersion = readMeta.get("version")?.value;
    if (seededRows === String(rows) && seededVersion === DATASET_VERSION) return false;
    db.exec("DELETE FROM sales; DELETE FROM products; DELETE FROM meta;");
    const insertProduct = db.prepare("INSERT INTO products (id, name, category, list_price_cents) VALUES (?, ?, ?, ?)");
    for (const product of PRODUCTS) insertProduct.run(product.id, product.name, product.category, product.listPriceCents);
    const insertSale = db.prepare("INSERT INTO sales (id, sold_on, region, product_id, quantity, unit_price_cents, customer_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const sale of generateSales(rows)) insertSale.run(...sale);
    const writeMeta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    writeMeta.run("rows", String(rows));
    writeMeta.run("version", DATASET_VERSION);
    return true;
  });
  return seed.immediate();
}

function dayStrings(): string[] {
  const first = Date.parse(`${FIRST_DAY}T00:00:00Z`);
  return Array.from({ length: DAY_COUNT }, (_, day) => new Date(first + day * 86_400_000).toISOString().slice(0, 10));
}
