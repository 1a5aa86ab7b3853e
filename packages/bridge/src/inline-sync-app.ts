import {
  getHeader,
  ProtocolError,
  UnsupportedProtocol,
  type App,
  type HTTPReceive,
  type HTTPScope,
  type HTTPSend,
  type LifespanReceive,
  type LifespanSend,
  type SyncApp,
  type SyncResponse,
} from "@sluice/core";
import { BodyTooLargeError } from "./errors.js";
import { BlockingInput } from "./internal/blocking-input.js";
import { buildCgiEnviron } from "./internal/cgi-environ.js";
import { callSyncApp, closeAfterError } from "./internal/call-sync-app.js";
import { checkInteger } from "./internal/defaults.js";
import { completeEnviron, errorStream } from "./internal/environ.js";
import { sendPlainError } from "./internal/http-task.js";
import { checkBodyChunk, ResponseState, type ResponseHead } from "./internal/response-state.js";

/**
 * Options of `inlineSyncApp()`.
 *
 * @example
 * ```ts
 * inlineSyncApp(app, { maxBodySize: 64 * 1024 });
 * ```
 */
export interface InlineSyncAppOptions {
  /** Largest request body read into memory before the app runs; larger bodies get `413`. Default: `1048576` (1 MiB). */
  maxBodySize?: number;
  /** Receives errors answered with `500` and errors raised after a response completed. Default: `console.error`. */
  onError?: (error: Error) => void;
  /** Receives the text the app writes to `wsgi.errors`. Default: writes to `process.stderr`. */
  errorLog?: (text: string) => void;
}

const EMPTY = new Uint8Array(0);

/**
 * Runs a sync app directly on the event loop and exposes it as an async app. The request body is
 * read completely first (up to `maxBodySize`, else `413`), so `wsgi.input` never blocks; then the
 * app is called and its chunks are sent one by one, each `send()` awaited (backpressure). Bytes
 * passed to `write()` are buffered until the app returns or yields its next chunk. The
 * iterable's `close()` is always called.
 *
 * Use it for trivial, fast sync apps (a health check, a small adapter) where a worker hop would
 * cost more than the work; the app blocks every other connection while it runs. Use
 * `workerPoolApp()` for anything that computes, blocks on I/O or reads large bodies.
 *
 * @param syncApp the sync app (a function, not a module path: it runs in this thread)
 * @param options body limit and logging; see `InlineSyncAppOptions`
 * @example
 * ```ts
 * const health = inlineSyncApp((environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("ok")];
 * });
 * ```
 */
export function inlineSyncApp(syncApp: SyncApp, options: InlineSyncAppOptions = {}): App {
  const maxBodySize = checkInteger("maxBodySize", options.maxBodySize ?? 1024 * 1024, 0);
  const onError = options.onError ?? ((error: Error) => console.error(error));
  const errorLog = options.errorLog ?? ((text: string) => process.stderr.write(text));

  return async (scope, receive, send) => {
    if (scope.type === "lifespan") return acknowledgeLifespan(receive as LifespanReceive, send);
    if (scope.type !== "http") throw new UnsupportedProtocol(scope.type);
    const http = { receive: receive as HTTPReceive, send: send as HTTPSend };
    let body: Uint8Array[] | "disconnected";
    try {
      body = await readWholeBody(scope, http.receive, maxBodySize);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      await sendPlainError(http.send, 413);
      return;
    }
    if (body === "disconnected") return;
    const chunks = body;
    const input = new BlockingInput(() => chunks.shift() ?? null, Infinity);
    const environ = completeEnviron(buildCgiEnviron(scope), scope.scheme, input, errorStream(errorLog), { multiprocess: false });
    await runInline(syncApp, environ, http.send, onError);
  };
}

/** A sync app has no startup or shutdown work: both are acknowledged at once. */
async function acknowledgeLifespan(receive: LifespanReceive, send: LifespanSend): Promise<void> {
  for (;;) {
    const event = await receive();
    if (event.type === "lifespan.startup") {
      await send({ type: "lifespan.startup.complete" });
    } else {
      await send({ type: "lifespan.shutdown.complete" });
      return;
    }
  }
}

async function readWholeBody(scope: HTTPScope, receive: HTTPReceive, limit: number): Promise<Uint8Array[] | "disconnected"> {
  const declared = getHeader(scope.headers, "content-length");
  if (declared !== undefined && Number(declared) > limit) throw new BodyTooLargeError(limit);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const event = await receive();
    if (event.type === "http.disconnect") return "disconnected";
    total += event.body.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    if (event.body.length > 0) chunks.push(event.body);
    if (!event.more_body) return chunks;
  }
}

async function runInline(syncApp: SyncApp, environ: Parameters<SyncApp>[0], send: HTTPSend, onError: (error: Error) => void): Promise<void> {
  const written: Uint8Array[] = [];
  const progress = { finished: false, started: false, completed: false };
  const state = new ResponseState((data) => {
    checkBodyChunk(data, "the data passed to write()", "write-type");
    if (progress.finished) throw new ProtocolError("write-after-end", "write() was called after the response ended");
    state.takeHead();
    if (data.length > 0) written.push(data.slice());
  });
  const sendBody = async (chunk: Uint8Array, more: boolean): Promise<void> => {
    if (!progress.started) {
      progress.started = true;
      const head: ResponseHead = state.takeHead();
      await send({ type: "http.response.start", status: head.status, headers: head.headers });
    }
    await send({ type: "http.response.body", body: chunk, more_body: more });
    if (!more) progress.completed = true;
  };
  const flushWritten = async (): Promise<void> => {
    for (let chunk = written.shift(); chunk !== undefined; chunk = written.shift()) await sendBody(chunk, true);
  };

  let result: SyncResponse | undefined;
  try {
    result = callSyncApp(syncApp, environ, state.startResponse);
    await flushWritten();
    // An array's last non-empty chunk ends the response itself, saving one send.
    const last = Array.isArray(result) ? lastNonEmpty(result as unknown[]) : -1;
    let index = 0;
    for (const chunk of result) {
      checkBodyChunk(chunk, "every chunk the app's iterable yields", "response-chunk-type");
      await flushWritten();
      if (chunk.length > 0) await sendBody(chunk, index !== last);
      index++;
    }
    await flushWritten();
    progress.finished = true;
    if (!progress.completed) await sendBody(EMPTY, false);
  } catch (error) {
    progress.finished = true;
    closeAfterError(result);
    if (progress.started) throw error;
    onError(error instanceof Error ? error : new Error(String(error)));
    await sendPlainError(send, 500);
    return;
  }
  try {
    result.close?.();
  } catch (error) {
    if (!progress.completed) throw error;
    onError(error instanceof Error ? error : new Error(String(error)));
  }
}

function lastNonEmpty(chunks: unknown[]): number {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const chunk = chunks[i];
    if (chunk instanceof Uint8Array && chunk.length > 0) return i;
  }
  return -1;
}
