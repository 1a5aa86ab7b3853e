import { getHeader, getHeaderValues } from "@sluice/core";
import type { Headers } from "@sluice/core";
import type { AppConnection } from "./internal/app-connection.js";
import type { ResponseHead, ResponseReader } from "./internal/response-reader.js";

/**
 * A response whose body is read chunk by chunk as the app sends it (from
 * `TestClient.stream()`). The app's `send()` of a body chunk resolves only when the test has
 * taken the previous one, so memory stays flat. Leaving early (`break` in `for await`, or
 * `abort()`) delivers `http.disconnect` to the app and makes its later `send()` calls reject
 * with `ClientDisconnected`.
 *
 * @example
 * ```ts
 * const response = await client.stream("GET", "/events");
 * for await (const chunk of response) {
 *   if (new TextDecoder().decode(chunk).includes("ready")) break; // the app gets http.disconnect
 * }
 * ```
 */
export class StreamingResponse implements AsyncIterable<Uint8Array> {
  /** The status code from `http.response.start`. */
  readonly status: number;
  /** Response headers as the app sent them. */
  readonly headers: Headers;
  /** The `links` of every `http.response.early_hint` sent before the start. */
  readonly earlyHints: string[][];
  readonly #reader: ResponseReader;
  readonly #connection: AppConnection;
  readonly #timeoutMs: number;

  /** @internal Created by `TestClient.stream()`. */
  constructor(head: ResponseHead, reader: ResponseReader, connection: AppConnection, timeoutMs: number) {
    this.status = head.status;
    this.headers = head.headers;
    this.earlyHints = head.earlyHints;
    this.#reader = reader;
    this.#connection = connection;
    this.#timeoutMs = timeoutMs;
  }

  /** The first value of header `name` (case-insensitive), or `undefined`. */
  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }

  /** Every value of header `name` (case-insensitive), in order. */
  headerValues(name: string): string[] {
    return getHeaderValues(this.headers, name);
  }

  /** Trailers received so far (complete once `complete` is `true`). */
  get trailers(): Headers {
    return this.#reader.trailers;
  }

  /** `true` once the app has sent the end of the response. */
  get complete(): boolean {
    return this.#reader.complete;
  }

  /**
   * The next non-empty body chunk, or `undefined` at the end of the response. Waits up to the
   * client's timeout for the app and throws `TestTimeoutError` (the app keeps running).
   */
  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      const chunk = await this.#reader.readChunk();
      if (chunk === undefined || chunk.byteLength > 0) return chunk;
    }
  }

  /** Reads the rest of the body into one array. */
  async bytes(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for (let chunk = await this.read(); chunk; chunk = await this.read()) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** Reads the rest of the body as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /**
   * Disconnects as a client that goes away would: the app's `receive()` returns
   * `http.disconnect` and its `send()` rejects with `ClientDisconnected`. Does not wait.
   */
  abort(): void {
    if (!this.#reader.complete) this.#connection.disconnect();
  }

  /**
   * Aborts if the response is not complete, then waits for the app to return, rethrowing
   * its error (a `ClientDisconnected` caused by the abort is not an error).
   */
  async close(): Promise<void> {
    this.abort();
    await this.#connection.wait(this.#timeoutMs, "the app to return after the streaming response was closed");
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        const chunk = await this.read();
        return chunk === undefined ? { done: true, value: undefined } : { done: false, value: chunk };
      },
      return: () => {
        this.abort();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
