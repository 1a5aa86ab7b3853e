import { SluiceError } from "@sluice/core";

/**
 * Lifespan startup or shutdown of an app served with `toFetch` failed: the app sent
 * `lifespan.startup.failed` / `lifespan.shutdown.failed`, or raised during shutdown.
 * `code` is always `"ERR_LIFESPAN_FAILED"`; `phase` says which step failed.
 *
 * @example
 * ```ts
 * try { await handler.startup(); } catch (e) { if (e instanceof LifespanFailed) process.exit(3); }
 * ```
 */
export class LifespanFailed extends SluiceError {
  /** `"startup"` or `"shutdown"`. */
  readonly phase: "startup" | "shutdown";

  /**
   * @param phase the lifespan step that failed
   * @param message the app's failure message (may be empty)
   * @param options standard `ErrorOptions` (`cause`: the error the app raised, if any)
   */
  constructor(phase: "startup" | "shutdown", message: string, options?: ErrorOptions) {
    super("ERR_LIFESPAN_FAILED", `lifespan ${phase} failed: ${message}`, options);
    this.phase = phase;
  }
}
