import { isAbsolute } from "node:path";
import { ProtocolError, type Environ, type SyncApp, type SyncResponse } from "@sluice/core";
import { callSyncApp, closeAfterError } from "./call-sync-app.js";
import { FileResponse } from "./file-wrapper.js";
import { checkBodyChunk, ResponseState, type ResponseHead } from "./response-state.js";

/** Where a blocking sync-app run sends its response. Every call may block (backpressure). */
export interface BlockingResponseSink {
  /**
   * Sends body bytes, with the head before the first bytes; `more: false` ends the response.
   * `done` says the run is over too (nothing is left to call), saving a separate message.
   */
  body(head: ResponseHead | undefined, chunk: Uint8Array, more: boolean, done: boolean): void;
  /** Ends the response by letting the server send the file at `path` (`http.response.pathsend`). */
  pathsend(head: ResponseHead, path: string): void;
}

const EMPTY = new Uint8Array(0);

/**
 * Runs a sync app for one request to the end, blocking on `sink` for backpressure:
 * `startResponse`/`excInfo` rules, the `write()` callable, empty chunks held back until real
 * bytes come (so an error can still become a 500), and the iterable's `close()` always called —
 * after a normal end, an error, or the client going away (the sink throws). Errors propagate.
 * Returns `true` when the last body message already said `done`.
 */
export function runSyncRequest(app: SyncApp, environ: Environ, sink: BlockingResponseSink, pathsendAllowed: boolean): boolean {
  let finished = false;
  let result: SyncResponse | undefined;
  const state = new ResponseState((data) => {
    checkBodyChunk(data, "the data passed to write()", "write-type");
    if (finished) throw new ProtocolError("write-after-end", "write() was called after the response ended");
    if (data.length > 0) send(data, true);
  });
  let doneSent = false;
  const send = (chunk: Uint8Array, more: boolean): void => {
    // Without close() nothing runs after the last chunk, so it can carry the end of the run.
    const done = !more && typeof result?.close !== "function";
    sink.body(state.headSent ? undefined : state.takeHead(), chunk, more, done);
    doneSent = done;
  };

  try {
    result = callSyncApp(app, environ, state.startResponse);
    if (pathsendAllowed && result instanceof FileResponse && !state.headSent && sendableFilePath(result) !== undefined) {
      sink.pathsend(state.takeHead(), sendableFilePath(result) as string);
    } else if (Array.isArray(result)) {
      sendArray(result as unknown[], send);
    } else {
      for (const chunk of result) {
        checkBodyChunk(chunk, "every chunk the app's iterable yields", "response-chunk-type");
        if (chunk.length > 0) send(chunk, true);
      }
      send(EMPTY, false);
    }
  } catch (error) {
    finished = true;
    closeAfterError(result);
    throw error;
  }
  finished = true;
  closeResponse(result);
  return doneSent;
}

function closeResponse(result: SyncResponse): void {
  result.close?.();
}


/** Sends an array's chunks, marking the last non-empty one as the end (saving one message). */
function sendArray(chunks: unknown[], send: (chunk: Uint8Array, more: boolean) => void): void {
  let last = -1;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    checkBodyChunk(chunk, "every chunk of the returned array", "response-chunk-type");
    if (chunk.length > 0) last = i;
  }
  if (last === -1) {
    send(EMPTY, false);
    return;
  }
  for (let i = 0; i <= last; i++) {
    const chunk = chunks[i] as Uint8Array;
    if (chunk.length > 0) send(chunk, i < last);
  }
}

function sendableFilePath(response: FileResponse): string | undefined {
  const path = response.file.path;
  return typeof path === "string" && isAbsolute(path) ? path : undefined;
}
