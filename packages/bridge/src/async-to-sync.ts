import { checkInteger } from "./internal/defaults.js";
import { callOnHelper } from "./internal/helper-client.js";
import { toModuleUrl } from "./internal/module-export.js";

/**
 * Options of `asyncToSync()`.
 *
 * @example
 * ```ts
 * asyncToSync("./db.mjs", "query", { timeout: 5000 });
 * ```
 */
export interface AsyncToSyncOptions {
  /** Milliseconds to block before throwing `AsyncCallTimeoutError`; `0` = wait forever. Default: `0`. */
  timeout?: number;
}

/**
 * Wraps an exported async function so that calling it blocks the calling thread until the
 * function settles, and returns its result (or throws its error). The function runs on a helper
 * thread with its own event loop (one per calling thread, started on first use), so the caller
 * can block with `Atomics.wait` without deadlocking. Arguments and the result are
 * structured-cloned; errors keep their `name`, `message`, `stack` and `code`.
 *
 * Meant for synchronous code: a sync app in a pool worker, or a CLI script. Calling it on a
 * server's main thread blocks every connection until the call returns.
 *
 * @param module the module exporting the async function: a file path or a URL
 * @param exportName the name of the export
 * @param options a timeout; see `AsyncToSyncOptions`
 * @example
 * ```ts
 * // In a sync app running on the worker pool:
 * const fetchText = asyncToSync<(url: string) => Promise<string>>(new URL("./net.mjs", import.meta.url), "fetchText");
 * const page = fetchText("https://example.com/");
 * ```
 */
export function asyncToSync<F extends (...args: never[]) => unknown = (...args: unknown[]) => Promise<unknown>>(
  module: string | URL,
  exportName: string,
  options: AsyncToSyncOptions = {},
): (...args: Parameters<F>) => Awaited<ReturnType<F>> {
  const moduleUrl = toModuleUrl(module);
  const timeout = checkInteger("timeout", options.timeout ?? 0, 0);
  return (...args) => callOnHelper(moduleUrl, exportName, args, timeout === 0 ? Infinity : timeout) as Awaited<ReturnType<F>>;
}
