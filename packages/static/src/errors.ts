import { SluiceError } from "@sluice/core";

/**
 * `staticFiles()` was given options it cannot work with: a missing or non-directory
 * `directory`, a malformed `prefix`, an unknown precompressed encoding, an out-of-range number.
 * Thrown when the middleware is created, never while serving. Code: `ERR_STATIC_OPTIONS`.
 *
 * @example
 * ```ts
 * try {
 *   staticFiles({ directory: "./missing" });
 * } catch (error) {
 *   if (error instanceof StaticFilesOptionsError) console.error(error.option, error.message);
 * }
 * ```
 */
export class StaticFilesOptionsError extends SluiceError {
  /** The name of the offending option, e.g. `"directory"`. */
  readonly option: string;

  /**
   * @param option the option that broke a rule
   * @param message what the rule is and what was given
   */
  constructor(option: string, message: string, options?: ErrorOptions) {
    super("ERR_STATIC_OPTIONS", `staticFiles option "${option}": ${message}`, options);
    this.option = option;
  }
}

/**
 * A file became shorter while it was being sent, so the response cannot carry the
 * `Content-Length` it announced. The response is aborted by letting this error escape
 * (the server closes the connection). Code: `ERR_STATIC_FILE_CHANGED`.
 *
 * @example
 * ```ts
 * if (error instanceof StaticFileChangedError) console.warn(`${error.path} changed mid-response`);
 * ```
 */
export class StaticFileChangedError extends SluiceError {
  /** Absolute path of the file that changed. */
  readonly path: string;

  /**
   * @param path the file being sent
   * @param message what was expected and what was found
   */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super("ERR_STATIC_FILE_CHANGED", `${path}: ${message}`, options);
    this.path = path;
  }
}
