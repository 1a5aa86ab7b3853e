import { SluiceError } from "@sluice/core";

/**
 * A worker thread of the pool died (it threw an uncaught error, called `process.exit()` or
 * ran out of memory) while it was handling a task. The pool replaces the worker.
 *
 * @example
 * ```ts
 * try { await hash(data); } catch (error) { if (error instanceof WorkerCrashedError) retry(); }
 * ```
 */
export class WorkerCrashedError extends SluiceError {
  /** @param detail what is known about the crash (exit code or the uncaught error's message) */
  constructor(detail: string, options?: ErrorOptions) {
    super("ERR_WORKER_CRASHED", `the worker thread died while handling the task (${detail}); it has been replaced`, options);
  }
}

/**
 * A task ran longer than the pool's timeout without producing output or asking for input; its
 * worker was terminated and replaced.
 *
 * @example
 * ```ts
 * if (error instanceof WorkerTimeoutError) console.warn(error.timeoutMs);
 * ```
 */
export class WorkerTimeoutError extends SluiceError {
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /** @param timeoutMs the timeout that was exceeded */
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(
      "ERR_WORKER_TIMEOUT",
      `the task ran for more than ${timeoutMs} ms without producing output or reading input; its worker was terminated and replaced`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Every worker was busy and the waiting queue already held `maxQueue` tasks.
 *
 * @example
 * ```ts
 * if (error instanceof QueueFullError) return tooBusy();
 * ```
 */
export class QueueFullError extends SluiceError {
  /** The queue bound that was reached. */
  readonly maxQueue: number;

  /** @param maxQueue the queue bound that was reached */
  constructor(maxQueue: number, options?: ErrorOptions) {
    super("ERR_QUEUE_FULL", `all workers are busy and ${maxQueue} tasks are already waiting (maxQueue)`, options);
    this.maxQueue = maxQueue;
  }
}

/**
 * The pool was closed; it accepts no more tasks and tasks still waiting are rejected.
 *
 * @example
 * ```ts
 * await pool.close(); // later pool.run(...) rejects with PoolClosedError
 * ```
 */
export class PoolClosedError extends SluiceError {
  constructor(options?: ErrorOptions) {
    super("ERR_POOL_CLOSED", "the worker pool is closed and accepts no more tasks", options);
  }
}

/**
 * A module given by path or URL could not be imported, or its export is missing or is not a
 * function.
 *
 * @example
 * ```ts
 * await workerPoolApp({ module: "./app.mjs", exportName: "nope" }).ready(); // rejects with ModuleExportError
 * ```
 */
export class ModuleExportError extends SluiceError {
  /** The module URL that was imported. */
  readonly moduleUrl: string;
  /** The export that was looked up. */
  readonly exportName: string;

  /**
   * @param moduleUrl the module URL that was imported
   * @param exportName the export that was looked up
   * @param problem what is wrong, e.g. "is not a function"
   */
  constructor(moduleUrl: string, exportName: string, problem: string, options?: ErrorOptions) {
    super("ERR_MODULE_EXPORT", `export "${exportName}" of ${moduleUrl} ${problem}`, options);
    this.moduleUrl = moduleUrl;
    this.exportName = exportName;
  }
}

/**
 * The request body is larger than the inline bridge's `maxBodySize`; the client gets 413.
 *
 * @example
 * ```ts
 * inlineSyncApp(app, { maxBodySize: 64 * 1024 }); // a 1 MiB upload is answered with 413
 * ```
 */
export class BodyTooLargeError extends SluiceError {
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;

  /** @param limit the limit that was exceeded, in bytes */
  constructor(limit: number, options?: ErrorOptions) {
    super("ERR_BODY_TOO_LARGE", `the request body is larger than maxBodySize (${limit} bytes)`, options);
    this.limit = limit;
  }
}

/**
 * A blocking call of an async function (`asyncToSync`) did not settle within its `timeout`.
 *
 * @example
 * ```ts
 * const fetchSync = asyncToSync("./net.mjs", "fetchText", { timeout: 5000 }); // may throw AsyncCallTimeoutError
 * ```
 */
export class AsyncCallTimeoutError extends SluiceError {
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;

  /** @param timeoutMs the timeout that passed */
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super("ERR_ASYNC_CALL_TIMEOUT", `the async function did not settle within ${timeoutMs} ms; the caller stopped waiting`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * An option given to a bridge factory or `WorkerPool` is impossible (`workers: 0`, a negative
 * timeout, a niceness outside -20..19 …). Thrown once, when the app, pool or function is built,
 * never while serving. `code` is always `"ERR_BRIDGE_CONFIG"`; `option` names the option.
 *
 * @example
 * ```ts
 * try {
 *   new WorkerPool({ workers: 0 });
 * } catch (error) {
 *   if (error instanceof BridgeConfigError) console.error(error.option, error.message);
 * }
 * ```
 */
export class BridgeConfigError extends SluiceError {
  /** The option at fault, e.g. `"workers"`. */
  readonly option: string;

  /**
   * @param option the name of the offending option
   * @param message the rule it breaks and the value given, e.g. `"must be an integer >= 1, got 0"`
   */
  constructor(option: string, message: string, options?: ErrorOptions) {
    super("ERR_BRIDGE_CONFIG", `option ${option} ${message}`, options);
    this.option = option;
  }
}
