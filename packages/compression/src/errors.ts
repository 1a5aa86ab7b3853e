import { SluiceError } from "@sluice/core";

/**
 * The options given to {@link compression} are malformed (an unknown encoding, a level out of
 * range, a negative minimum size …). Thrown once, when the middleware is built, never while
 * serving requests. `code` is always `"ERR_COMPRESSION_CONFIG"`; `option` names the option.
 *
 * @example
 * ```ts
 * try {
 *   compression({ levels: { gzip: 12 } });
 * } catch (error) {
 *   if (error instanceof CompressionConfigError) console.error(error.option, error.message);
 * }
 * ```
 */
export class CompressionConfigError extends SluiceError {
  /** The option at fault, e.g. `"levels.gzip"`. */
  readonly option: string;

  /**
   * @param option the name of the offending option
   * @param message what is wrong and how to fix it
   * @param options standard `ErrorOptions` (`cause`)
   */
  constructor(option: string, message: string, options?: ErrorOptions) {
    super("ERR_COMPRESSION_CONFIG", `compression(): ${option}: ${message}`, options);
    this.option = option;
  }
}

/**
 * The codec failed while compressing a response body. The middleware throws it from the app's
 * `send()` so the server aborts the response (the client sees the connection close) instead of
 * sending a truncated body that looks complete. `code` is always `"ERR_COMPRESSION_FAILED"`;
 * `cause` holds the codec's own error and `encoding` the content coding in use.
 *
 * @example
 * ```ts
 * try {
 *   await send({ type: "http.response.body", body, more_body: true });
 * } catch (error) {
 *   if (error instanceof CompressionError) console.error(error.encoding, error.cause);
 *   throw error;
 * }
 * ```
 */
export class CompressionError extends SluiceError {
  /** The content coding that failed, e.g. `"gzip"`. */
  readonly encoding: string;

  /**
   * @param encoding the content coding that failed
   * @param options standard `ErrorOptions`; `cause` should be the codec's error
   */
  constructor(encoding: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super("ERR_COMPRESSION_FAILED", `compression(): the ${encoding} encoder failed${reason}; the response was aborted`, options);
    this.encoding = encoding;
  }
}
