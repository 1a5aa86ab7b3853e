import type { SyncResponse } from "../sync.js";
import { describeValue, fail } from "./fail.js";

/** What the response wrapper needs to know about `startResponse`. */
export interface ResponseProgress {
  /** Whether `startResponse` has been called. */
  readonly started: boolean;
  /** Records that body bytes went out, so headers count as sent. */
  markHeadersSent(): void;
}

/** Throws unless `result` is an iterable of chunks (a `Uint8Array` or string alone is not). */
export function checkIterable(result: unknown): asserts result is SyncResponse {
  const iterable = typeof result === "object" && result !== null && typeof (result as Partial<Iterable<unknown>>)[Symbol.iterator] === "function";
  if (!iterable || ArrayBuffer.isView(result)) {
    fail("response-iterable", `the sync app returned ${describeValue(result)}; it must return an iterable of Uint8Array chunks (wrap a single chunk in an array)`, result);
  }
}

/**
 * Wraps the app's response: checks every chunk, that `startResponse` came before the first
 * non-empty chunk (or the end), that nothing is read after `close()`, and that `close()` is
 * called once. `onClose` runs on the first `close()`.
 */
export function checkedResponse(response: SyncResponse, progress: ResponseProgress, onClose: () => void): SyncResponse & { close(): void } {
  let closed = false;
  let iterator: Iterator<unknown> | undefined;
  const next = (): IteratorResult<Uint8Array> => {
    if (closed) fail("response-read-after-close", "the server read the response iterable after calling close()");
    iterator ??= response[Symbol.iterator]();
    const step = iterator.next();
    if (step.done === true) {
      if (!progress.started) fail("start-response-missing", "the sync app's iterable ended without startResponse() having been called");
      return { done: true, value: undefined };
    }
    const chunk = step.value;
    if (!(chunk instanceof Uint8Array)) {
      fail("response-chunk-type", `the sync app's iterable yielded ${describeValue(chunk)}; every chunk must be a Uint8Array`, chunk);
    }
    if (chunk.length > 0) {
      if (!progress.started) fail("start-response-missing", "the sync app's iterable yielded body bytes before startResponse() was called", chunk);
      progress.markHeadersSent();
    }
    return { done: false, value: chunk };
  };
  return {
    [Symbol.iterator]: () => ({ next }),
    close(): void {
      if (closed) fail("response-close-once", "the server called close() on the response twice; it must call it exactly once");
      closed = true;
      onClose();
      response.close?.();
    },
  };
}
