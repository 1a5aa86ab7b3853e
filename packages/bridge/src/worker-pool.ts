import type { ResourceLimits } from "node:worker_threads";
import { CallTask } from "./internal/call-task.js";
import { checkInteger, checkMaxQueue, checkNiceness, defaultWorkerCount, DEFAULT_WORKER_NICENESS, DEFAULT_INPUT_BUFFER_SIZE, DEFAULT_OUTPUT_BUFFER_SIZE } from "./internal/defaults.js";
import { toModuleUrl } from "./internal/module-export.js";
import { PoolCore, type PoolStats } from "./internal/pool-core.js";

export type { PoolStats } from "./internal/pool-core.js";

/**
 * Options of `new WorkerPool()`.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ workers: 2, maxQueue: 100, timeout: 10_000 });
 * ```
 */
export interface WorkerPoolOptions {
  /** Number of worker threads. Default: `os.availableParallelism()`. */
  workers?: number;
  /** Most calls waiting for a free worker; beyond it `run()` rejects with `QueueFullError`. Default: `Infinity`. */
  maxQueue?: number;
  /** Milliseconds a call may run before its worker is terminated and replaced (`WorkerTimeoutError`); `0` = never. Default: `0`. */
  timeout?: number;
  /**
   * Modules each worker imports, in order, before the app or any function: a file path, a URL,
   * or a `data:` URL. Use it to register a loader (e.g. TypeScript), instrumentation or
   * polyfills; Node does not run the parent's `--import` hooks in worker threads. A preload
   * that throws fails the worker like an app that cannot load. Default: `[]`.
   */
  preload?: Array<string | URL>;
  /**
   * Niceness of each worker thread on Linux (-20 to 19; higher means lower priority). Above 0 the
   * event loop gets the CPU first when every core is busy, so async routes stay fast while
   * workers compute; throughput on an otherwise idle machine is unchanged. Ignored on other
   * platforms. Default: `5`.
   */
  workerNiceness?: number;
  /** V8 heap limits of each worker (see `node:worker_threads`). Default: Node's defaults. */
  resourceLimits?: ResourceLimits;
}

/**
 * A pool of worker threads that runs exported synchronous functions off the event loop, one
 * call per worker at a time, in parallel across workers. Functions cannot cross threads, so a
 * call names a module (path or URL) and an export; arguments and results are structured-cloned
 * and errors keep their `name`, `message`, `stack` and `code`. A worker that crashes or times
 * out is replaced. Idle workers do not keep the process alive.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ workers: 2 });
 * const digest = await pool.run<string>("./hash.mjs", "sha256Hex", ["some text"]);
 * await pool.close();
 * ```
 */
export class WorkerPool {
  readonly #core: PoolCore;

  /** @param options pool size, queue bound, timeout and heap limits; see `WorkerPoolOptions` */
  constructor(options: WorkerPoolOptions = {}) {
    const workers = checkInteger("workers", options.workers ?? defaultWorkerCount(), 1);
    const maxQueue = checkMaxQueue(options.maxQueue ?? Infinity);
    this.#core = new PoolCore({
      workers,
      maxQueue,
      timeout: checkInteger("timeout", options.timeout ?? 0, 0),
      inputBufferSize: DEFAULT_INPUT_BUFFER_SIZE,
      outputWindow: DEFAULT_OUTPUT_BUFFER_SIZE,
      resourceLimits: options.resourceLimits,
      niceness: checkNiceness(options.workerNiceness ?? DEFAULT_WORKER_NICENESS),
      preload: (options.preload ?? []).map(toModuleUrl),
      app: undefined,
    });
  }

  /**
   * Calls `module`'s export `exportName` with `args` on a free worker (awaiting the result when it
   * returns a promise) and resolves with the result.
   *
   * @param module a file path (absolute or relative to the current directory) or a URL
   * @param exportName the name of the exported function
   * @param args structured-cloneable arguments
   * @example
   * ```ts
   * const sum = await pool.run<number>(new URL("./math.mjs", import.meta.url), "add", [1, 2]);
   * ```
   */
  run<T = unknown>(module: string | URL, exportName: string, args: readonly unknown[] = []): Promise<T> {
    const moduleUrl = toModuleUrl(module);
    return this.#core.run(async (thread) => {
      const task = new CallTask(thread);
      thread.start(task, { t: "call", moduleUrl, exportName, args: [...args] });
      return (await task.result) as T;
    });
  }

  /** Current counters: workers, busy, queued, completed, crashed, timedOut, rejected. */
  get stats(): PoolStats {
    return this.#core.stats;
  }

  /**
   * Stops accepting calls, rejects queued ones with `PoolClosedError`, waits for running ones,
   * then terminates the workers.
   *
   * @example
   * ```ts
   * process.on("SIGTERM", () => void pool.close());
   * ```
   */
  close(): Promise<void> {
    return this.#core.close();
  }
}
