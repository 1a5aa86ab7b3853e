import type { SyncResponse } from "@sluice/core";
import type { ExportRow } from "./sales-store.js";

/** The first line of the export. */
export const CSV_HEADER = "id,sold_on,region,product,category,quantity,unit_price,total\r\n";

/** The size of the buffer each chunk is encoded into. */
export const CHUNK_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * The body of a CSV export: a sync-response iterable that turns a lazy row cursor into
 * chunks of RFC 4180 CSV (just under 64 KiB each) as the server pulls them. Each line is
 * encoded straight into the current chunk's buffer, so only one chunk is alive at a time and
 * an export of any size uses the same memory. `close()` — which the server always calls,
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
    let chunk = new Uint8Array(CHUNK_BYTES);
    let used = encoder.encodeInto(CSV_HEADER, chunk).written;
    for (const row of this.#rows) {
      const line = csvLine(row);
      // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
      if (used + line.length * 3 > chunk.length) {
        yield chunk.subarray(0, used);
        chunk = new Uint8Array(Math.max(CHUNK_BYTES, line.length * 3));
        used = 0;
      }
      used += encoder.encodeInto(line, chunk.subarray(used)).written;
      this.#rowsSent++;
    }
    this.#finished = true;
    if (used > 0) yield chunk.subarray(0, used);
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
