import { SluiceError } from "@sluice/core";

/**
 * An option given to {@link createWebSocketHandler} is out of range or of the wrong type.
 * Thrown synchronously when the handler is created; `option` names the culprit.
 *
 * @example
 * ```ts
 * try { createWebSocketHandler(app, { maxSize: -1 }); }
 * catch (error) { if (error instanceof WebSocketOptionError) console.error(error.option); }
 * ```
 */
export class WebSocketOptionError extends SluiceError {
  /** The name of the rejected option, e.g. `"maxSize"`. */
  readonly option: string;

  /**
   * @param option the option name
   * @param message what the option must be
   */
  constructor(option: string, message: string) {
    super("ERR_WEBSOCKET_OPTION", `websocket option "${option}" ${message}`);
    this.option = option;
  }
}
