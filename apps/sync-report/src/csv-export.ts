import type { SyncResponse } from "@sluice/core";
import type { ExportRow } from "./sales-store.js";

/** The first line of the export. */
export const CSV_HEADER = "id,sold_on,region,product,category,quantity,unit_price,total\r\n";

/** Characters gathered before a chunk is handed to the server (about 64 KiB). */
const CHUNK_CHARS = 64 * 1024;

const encoder = new TextEncoder();

/**
 * The body of a CSV export: a sync-response iterable that turns a lazy row cursor into
 * ~64 KiB chunks of RFC 4180 CSV as the server pulls them. Only one chunk exists at a time,
 * so an export of any size uses the same memory. `close()` — which the server always calls,
 * also when the client goes away mid-download — stops the cursor, releasing the statement so
 * the next export can run on this connection.
 *
 * @example
 * ```ts
 * startResponse("200 OK", [["Content-Type", "text/csv; charset=utf-8"]]);
 * return new CsvExport(store.exportRows(filter));
 * ```
 */
export class CsvExport implements SyncResponse {
  readonly #rows: IterableIterator<ExportRow>;
  readonly #chunks: Generator<Uint8Array, void, undefined>;
  readonly #onClose: ((rowsSent: number, finished: boolean) => void) | undefined;
  #rowsSent = 0;
  #finished = false;
  #closed = false;

  /**
   * @param rows the cursor to read (it is stopped by `close()`)
   * @param onClose told, once, how many rows were turned into CSV and whether the cursor was exhausted
   */
  constructor(rows: IterableIterator<ExportRow>, onClose?: (rowsSent: number, finished: boolean) => void) {
    this.#rows = rows;
    this.#chunks = this.#generateChunks();
    this.#onClose = onClose;
  }

  [Symbol.iterator](): Iterator<Uint8Array> {
    return this.#chunks;
  }

  /** Stops the cursor (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks.return(undefined);
    this.#rows.return?.();
    this.#onClose?.(this.#rowsSent, this.#finished);
  }

  *#generateChunks(): Generator<Uint8Array, void, undefined> {
    let text = CSV_HEADER;
    for (const row of this.#rows) {
      text += csvLine(row);
      this.#rowsSent++;
      if (text.length >= CHUNK_CHARS) {
        yield encoder.encode(text);
        text = "";
      }
    }
    this.#finished = true;
    if (text.length > 0) yield encoder.encode(text);
  }
}

/** One CSV record (with CRLF) for `row`; prices in currency units with two decimals. */
export function csvLine(row: ExportRow): string {
  const [id, soldOn, region, product, category, quantity, unitPriceCents] = row;
  return `${id},${soldOn},${csvField(region)},${csvField(product)},${csvField(category)},${quantity},${money(unitPriceCents)},${money(quantity * unitPriceCents)}\r\n`;
}

/** Quotes a text field when it holds a comma, a quote or a line break (quotes doubled). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}
