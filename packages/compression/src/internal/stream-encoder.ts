import type { Transform } from "node:stream";

/**
 * Pull-based driver of one flushing zlib stream: each `chunk()`/`finish()` call feeds one
 * input and yields the encoded output in pieces as the codec produces them. The caller sends
 * every piece on before asking for the next, so the codec never runs ahead of the socket
 * (the stream's own high-water mark pauses it) and memory stays flat for any body size.
 */
export class StreamEncoder {
  readonly #stream: Transform;
  #error: Error | null = null;
  #ended = false;
  #wake: (() => void) | null = null;

  constructor(stream: Transform) {
    this.#stream = stream;
    // Keep an error listener for the stream's whole life: an unhandled 'error' would crash the process.
    stream.on("error", (error: Error) => {
      this.#error ??= error;
      this.#notify();
    });
    stream.on("readable", () => this.#notify());
    stream.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
  }

  /** Encodes `body` and flushes, yielding the output (a complete, decodable prefix of the stream). */
  async *chunk(body: Uint8Array): AsyncGenerator<Buffer, void, undefined> {
    let written = false;
    this.#stream.write(body, () => {
      written = true;
      this.#notify();
    });
    yield* this.#drain(() => written);
  }

  /** Encodes the last `body` and ends the stream, yielding the remaining output. */
  async *finish(body: Uint8Array): AsyncGenerator<Buffer, void, undefined> {
    if (body.byteLength > 0) this.#stream.end(body);
    else this.#stream.end();
    yield* this.#drain(() => this.#ended);
  }

  /** Releases the codec (safe to call at any time, any number of times). */
  destroy(): void {
    if (!this.#stream.destroyed) this.#stream.destroy();
  }

  async *#drain(isDone: () => boolean): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      if (this.#error !== null) throw this.#error;
      const piece = this.#stream.read() as Buffer | null;
      if (piece !== null) {
        yield piece;
        continue;
      }
      if (isDone()) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
