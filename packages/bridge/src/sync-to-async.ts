import { WorkerPool } from "./worker-pool.js";

/**
 * Options of `syncToAsync()`.
 *
 * @example
 * ```ts
 * syncToAsync("./hash.mjs", "sha256Hex", { pool: new WorkerPool({ workers: 2 }) });
 * ```
 */
export interface SyncToAsyncOptions {
  /** The pool the calls run on. Default: a shared pool with one worker per core, created on first use. */
  pool?: WorkerPool;
}

let sharedPool: WorkerPool | undefined;

/**
 * The pool `syncToAsync` uses when none is given: one worker per core, created on first use;
 * idle workers never keep the process alive.
 *
 * @example
 * ```ts
 * console.log(sharedWorkerPool().stats.busy);
 * ```
 */
export function sharedWorkerPool(): WorkerPool {
  sharedPool ??= new WorkerPool();
  return sharedPool;
}

/**
 * Wraps an exported synchronous function so that calling it runs it on a worker thread and
 * returns a promise: the event loop stays free while it computes. Arguments and the result are
 * structured-cloned; a thrown error rejects the promise with an `Error` of the same `name`,
 * `message`, `stack` and `code`.
 *
 * @param module the module exporting the function: a file path or a URL
 * @param exportName the name of the export
 * @param options the pool to use; see `SyncToAsyncOptions`
 * @example
 * ```ts
 * // hash.mjs: export function sha256Hex(text) { return createHash("sha256").update(text).digest("hex"); }
 * const sha256Hex = syncToAsync<(text: string) => string>(new URL("./hash.mjs", import.meta.url), "sha256Hex");
 * console.log(await sha256Hex("hello"));
 * ```
 */
export function syncToAsync<F extends (...args: never[]) => unknown = (...args: unknown[]) => unknown>(
  module: string | URL,
  exportName: string,
  options: SyncToAsyncOptions = {},
): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  return (...args) => (options.pool ?? sharedWorkerPool()).run<Awaited<ReturnType<F>>>(module, exportName, args);
}
