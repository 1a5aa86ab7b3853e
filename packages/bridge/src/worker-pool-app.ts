import type { ResourceLimits } from "node:worker_threads";
import {
  UnsupportedProtocol,
  type App,
  type HTTPReceive,
  type HTTPScope,
  type HTTPSend,
  type LifespanReceive,
  type LifespanSend,
} from "@sluice/core";
import { PoolClosedError, QueueFullError } from "./errors.js";
import { buildCgiEnviron } from "./internal/cgi-environ.js";
import { checkInteger, checkMaxQueue, checkNiceness, defaultWorkerCount, DEFAULT_WORKER_NICENESS, DEFAULT_INPUT_BUFFER_SIZE, DEFAULT_OUTPUT_BUFFER_SIZE } from "./internal/defaults.js";
import { HttpTask, sendPlainError } from "./internal/http-task.js";
import { toModuleUrl } from "./internal/module-export.js";
import { PoolCore, type PoolStats } from "./internal/pool-core.js";

/**
 * Options of `workerPoolApp()`.
 *
 * @example
 * ```ts
 * const options: WorkerPoolAppOptions = { module: "./app.mjs", exportName: "app", workers: 4, requestTimeout: 10_000 };
 * ```
 */
export interface WorkerPoolAppOptions {
  /** The module exporting the sync app: a file path (absolute or relative to the current directory) or a URL. */
  module: string | URL;
  /** The name of the export that is the sync app. */
  exportName: string;
  /** Number of worker threads, each with its own copy of the app. Default: `os.availableParallelism()`. */
  workers?: number;
  /** Most requests waiting for a free worker; beyond it requests get `503`. Default: `workers * 64`. */
  maxQueue?: number;
  /**
   * Milliseconds the app may run without producing output or reading input; then its worker is
   * terminated and replaced and the request gets `504` (or a truncated response once started).
   * Time spent waiting for the client (slow upload or download) does not count. `0` = never.
   * Default: `30000`.
   */
  requestTimeout?: number;
  /** Bytes of request body handed to a worker per read (the shared input slot). Default: `65536`. */
  inputBufferSize?: number;
  /** Response bytes a worker may have in flight before its iterator is paused. Default: `262144`. */
  outputBufferSize?: number;
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
  /** V8 heap limits of each worker thread. Default: Node's defaults. */
  resourceLimits?: ResourceLimits;
  /** Receives errors answered with a 5xx and errors raised after a response completed. Default: `console.error`. */
  onError?: (error: Error) => void;
  /** Receives the text the app writes to `wsgi.errors`. Default: writes to `process.stderr`. */
  errorLog?: (text: string) => void;
}

/**
 * The async app `workerPoolApp()` returns, with control over its pool.
 *
 * @example
 * ```ts
 * const app: PooledApp = workerPoolApp({ module: "./app.mjs", exportName: "app" });
 * await app.ready();
 * ```
 */
export interface PooledApp extends App {
  /** Resolves once every worker has loaded the app; rejects with the load error (e.g. `ModuleExportError`). */
  ready(): Promise<void>;
  /** Stops accepting requests (`503`), lets running ones finish, then terminates the workers. */
  close(): Promise<void>;
  /** Current pool counters. */
  readonly stats: PoolStats;
}

/**
 * Runs a sync (PEP 3333-style) app on a pool of worker threads and exposes it as an async app,
 * so CPU-heavy or blocking handlers run in parallel off the event loop.
 *
 * Each worker imports `module` and takes export `exportName`. Per request the worker gets an
 * environ built from the scope, a blocking streaming `wsgi.input` fed from `receive()` only as
 * the app reads, and its response chunks go to `send()` with credit-based backpressure. The
 * iterable's `close()` is always called. Errors before the response starts give `500`; a worker
 * that crashes is replaced (`500`), one that hangs past `requestTimeout` too (`504`); when all
 * workers are busy and `maxQueue` requests wait, further requests get `503`.
 *
 * Lifespan: startup waits for every worker to load the app (`lifespan.startup.failed` when it
 * cannot), shutdown closes the pool. WebSocket connections throw `UnsupportedProtocol`.
 *
 * @param options the module, export and pool settings; see `WorkerPoolAppOptions`
 * @example
 * ```ts
 * import { serve } from "@sluice/server";
 * import { workerPoolApp } from "@sluice/bridge";
 *
 * const app = workerPoolApp({ module: new URL("./report.mjs", import.meta.url), exportName: "app", workers: 4 });
 * await app.ready();
 * const server = await serve(app, { port: 8000 });
 * ```
 */
export function workerPoolApp(options: WorkerPoolAppOptions): PooledApp {
  const workers = checkInteger("workers", options.workers ?? defaultWorkerCount(), 1);
  const maxQueue = checkMaxQueue(options.maxQueue ?? workers * 64);
  const pool = new PoolCore({
    workers,
    maxQueue,
    timeout: checkInteger("requestTimeout", options.requestTimeout ?? 30_000, 0),
    inputBufferSize: checkInteger("inputBufferSize", options.inputBufferSize ?? DEFAULT_INPUT_BUFFER_SIZE, 1),
    outputWindow: checkInteger("outputBufferSize", options.outputBufferSize ?? DEFAULT_OUTPUT_BUFFER_SIZE, 1),
    resourceLimits: options.resourceLimits,
    niceness: checkNiceness(options.workerNiceness ?? DEFAULT_WORKER_NICENESS),
    preload: (options.preload ?? []).map(toModuleUrl),
    app: { moduleUrl: toModuleUrl(options.module), exportName: options.exportName },
  });
  const onError = options.onError ?? ((error: Error) => console.error(error));
  const errorLog = options.errorLog ?? ((text: string) => process.stderr.write(text));
  const multiprocess = workers > 1;

  const serveHttp = async (scope: HTTPScope, receive: HTTPReceive, send: HTTPSend): Promise<void> => {
    const cgi = buildCgiEnviron(scope);
    const pathsend = scope.extensions?.["http.response.pathsend"] !== undefined;
    try {
      await pool.run(async (thread) => {
        const task = new HttpTask(thread, { receive, send, log: errorLog, onError });
        thread.start(task, { t: "http", cgi, scheme: scope.scheme, pathsend, multiprocess });
        await task.done;
      });
    } catch (error) {
      if (error instanceof QueueFullError || error instanceof PoolClosedError) {
        await sendPlainError(send, 503);
        return;
      }
      throw error;
    }
  };

  const app = async (scope: Parameters<App>[0], receive: Parameters<App>[1], send: Parameters<App>[2]): Promise<void> => {
    if (scope.type === "http") return serveHttp(scope, receive as HTTPReceive, send);
    if (scope.type === "lifespan") return runLifespan(pool, receive as LifespanReceive, send);
    throw new UnsupportedProtocol(scope.type);
  };
  return Object.defineProperties(app, {
    ready: { value: () => pool.ready() },
    close: { value: () => pool.close() },
    stats: { get: () => pool.stats, enumerable: true },
  }) as PooledApp;
}

async function runLifespan(pool: PoolCore, receive: LifespanReceive, send: LifespanSend): Promise<void> {
  for (;;) {
    const event = await receive();
    if (event.type === "lifespan.startup") {
      try {
        await pool.ready();
        await send({ type: "lifespan.startup.complete" });
      } catch (error) {
        await send({ type: "lifespan.startup.failed", message: String(error) });
        return;
      }
    } else {
      await pool.close();
      await send({ type: "lifespan.shutdown.complete" });
      return;
    }
  }
}
