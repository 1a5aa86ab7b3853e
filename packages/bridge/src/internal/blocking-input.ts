import type { InputStream } from "@sluice/core";

/** Where a `BlockingInput` gets bytes: returns the next chunk (blocking as needed) or `null` at the end. */
export type PullChunk = () => Uint8Array | null;

const EMPTY = new Uint8Array(0);
const NEWLINE = 0x0a;

/**
 * `wsgi.input` over a blocking chunk source: `read`, `readline`, `readlines` and line
 * iteration, never reading past `limit` bytes (the request's Content-Length) and never asking
 * the source for more than the call needs.
 */
export class BlockingInput implements InputStream {
  #pull: PullChunk;
  #remaining: number;
  #chunk: Uint8Array = EMPTY;
  #offset = 0;
  #ended = false;

  /**
   * @param pull the chunk source
   * @param limit how many bytes may be read in total (Content-Length); `Infinity` reads to the source's end
   */
  constructor(pull: PullChunk, limit: number) {
    this.#pull = pull;
    this.#remaining = limit;
  }

  read(size?: number): Uint8Array {
    return this.#collect(wantedBytes(size), false);
  }

  readline(size?: number): Uint8Array {
    return this.#collect(wantedBytes(size), true);
  }

  readlines(hint?: number): Uint8Array[] {
    const limit = hint === undefined || hint <= 0 ? Infinity : hint;
    const lines: Uint8Array[] = [];
    let total = 0;
    while (total < limit) {
      const line = this.readline();
      if (line.length === 0) break;
      lines.push(line);
      total += line.length;
    }
    return lines;
  }

  *[Symbol.iterator](): Iterator<Uint8Array> {
    for (let line = this.readline(); line.length > 0; line = this.readline()) yield line;
  }

  /** Up to `wanted` bytes, pulling as needed; with `toNewline`, stops after the first newline. */
  #collect(wanted: number, toNewline: boolean): Uint8Array {
    if (wanted === 0) return EMPTY;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < wanted) {
      const part = this.#take(wanted - total, toNewline);
      if (part === null) break;
      parts.push(part);
      total += part.length;
      if (toNewline && part[part.length - 1] === NEWLINE) break;
    }
    return concat(parts, total);
  }

  /** Up to `max` buffered bytes (stopping after a newline when `toNewline`), pulling when empty; `null` at the end. */
  #take(max: number, toNewline: boolean): Uint8Array | null {
    if (this.#offset >= this.#chunk.length && !this.#fill()) return null;
    let end = Math.min(this.#chunk.length, this.#offset + max);
    if (toNewline) {
      const newline = this.#chunk.indexOf(NEWLINE, this.#offset);
      if (newline !== -1 && newline < end) end = newline + 1;
    }
    const part = this.#chunk.subarray(this.#offset, end);
    this.#offset = end;
    return part;
  }

  #fill(): boolean {
    while (!this.#ended && this.#remaining > 0) {
      const next = this.#pull();
      if (next === null) {
        this.#ended = true;
        break;
      }
      if (next.length === 0) continue;
      const usable = next.length > this.#remaining ? next.subarray(0, this.#remaining) : next;
      this.#remaining -= usable.length;
      this.#chunk = usable;
      this.#offset = 0;
      return true;
    }
    return false;
  }
}

/** The byte count a `size` argument asks for: all (`Infinity`) when absent or negative. */
function wantedBytes(size: number | undefined): number {
  return size === undefined || size < 0 ? Infinity : Math.floor(size);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 0) return EMPTY;
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
