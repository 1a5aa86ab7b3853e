import { ProtocolError, type Environ, type StartResponse, type SyncApp, type SyncResponse } from "@sluice/core";

/** Calls the sync app and checks that it returned an iterable (arrays and generators are). */
export function callSyncApp(app: SyncApp, environ: Environ, startResponse: StartResponse): SyncResponse {
  const result: unknown = app(environ, startResponse);
  if (
    typeof result !== "object" ||
    result === null ||
    result instanceof Uint8Array ||
    typeof (result as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function"
  ) {
    throw new ProtocolError(
      "response-iterable",
      "the sync app must return an iterable of Uint8Array chunks (an array or a generator), not a string or a lone Uint8Array",
      result,
    );
  }
  return result as SyncResponse;
}

/** Calls the response's `close()` after a failure; an error from `close()` must not hide the first one. */
export function closeAfterError(result: SyncResponse | undefined): void {
  try {
    result?.close?.();
  } catch {
    // The first error is the one reported.
  }
}
