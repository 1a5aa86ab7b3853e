import { SluiceError } from "@sluice/core";

/**
 * The options given to {@link cors} are contradictory or malformed. Thrown once, when the
 * middleware is built, never while serving requests. The message names the option and the
 * rule broken, and says how to fix it.
 *
 * `code` is always `"ERR_CORS_CONFIG"`; `option` names the offending option.
 *
 * @example
 * ```ts
 * try {
 *   cors({ allowOrigins: "*", allowCredentials: true });
 * } catch (error) {
 *   if (error instanceof CorsConfigError) console.error(error.option, error.message);
 * }
 * ```
 */
export class CorsConfigError extends SluiceError {
  /** The option at fault, e.g. `"allowOrigins"`. */
  readonly option: string;

  /**
   * @param option the name of the offending option
   * @param message what is wrong and how to fix it
   * @param options standard `ErrorOptions` (`cause`)
   */
  constructor(option: string, message: string, options?: ErrorOptions) {
    super("ERR_CORS_CONFIG", `cors(): ${option}: ${message}`, options);
    this.option = option;
  }
}
