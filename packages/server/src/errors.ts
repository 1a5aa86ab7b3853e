import { SluiceError } from "@sluice/core";

/**
 * The app answered `lifespan.startup` with `lifespan.startup.failed` (or, with
 * `lifespan: "on"`, threw or returned before completing startup). `serve()` rejects with it
 * and the `sluice` CLI exits with code 3, printing `message`.
 *
 * @example
 * ```ts
 * try { await serve(app, { lifespan: "on" }); }
 * catch (error) { if (error instanceof LifespanStartupFailed) process.exitCode = 3; }
 * ```
 */
export class LifespanStartupFailed extends SluiceError {
  /** @param message why startup failed, as the app reported it */
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_LIFESPAN_STARTUP_FAILED", `lifespan startup failed: ${message === "" ? "(no message)" : message}`, options);
  }
}

/**
 * A server option or CLI flag has an invalid value (e.g. a negative port, an unknown
 * `--lifespan` mode, a malformed `--forwarded-allow-ips` entry). The message names the option.
 *
 * @example
 * ```ts
 * throw new InvalidServerOption("port", "must be an integer from 0 to 65535", -1);
 * ```
 */
export class InvalidServerOption extends SluiceError {
  /** The option (programmatic name) whose value was rejected. */
  readonly option: string;

  /**
   * @param option the option name, e.g. `"port"`
   * @param rule what the value must be
   * @param value the rejected value
   */
  constructor(option: string, rule: string, value: unknown, options?: ErrorOptions) {
    super("ERR_INVALID_SERVER_OPTION", `option "${option}" ${rule} (got ${describeValue(value)})`, options);
    this.option = option;
  }
}

/**
 * The CLI could not load the app: the module is missing, failed to import, or lacks the
 * named export.
 *
 * @example
 * ```ts
 * throw new AppLoadError("./main.js:app", "module ./main.js exports no \"app\" (exports: default, handler)");
 * ```
 */
export class AppLoadError extends SluiceError {
  /** The `<module-path>:<export>` string that was given. */
  readonly target: string;

  /**
   * @param target the app string, e.g. `"./main.js:app"`
   * @param message what went wrong
   */
  constructor(target: string, message: string, options?: ErrorOptions) {
    super("ERR_APP_LOAD", message, options);
    this.target = target;
  }
}

function describeValue(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}
