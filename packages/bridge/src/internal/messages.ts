import type { CgiEnviron } from "./cgi-environ.js";
import type { ResponseHead } from "./response-state.js";
import type { SerializedError } from "./serialized-error.js";

/** Data a pool worker thread starts with. */
export interface PoolWorkerData {
  /** Control words shared with the main thread (see `Control`). */
  control: SharedArrayBuffer;
  /** The input slot the main thread copies request-body bytes into. */
  input: SharedArrayBuffer;
  /** The most response bytes in flight to the main thread at once. */
  outputWindow: number;
  /** Module URLs the worker imports, in order, before anything else. */
  preload: string[];
  /** Niceness the worker thread sets for itself (Linux only; 0 leaves it alone). */
  niceness: number;
  /** The sync app to load at start, for app pools. */
  app: { moduleUrl: string; exportName: string } | undefined;
}

/** Indexes into the shared control `Int32Array` of a pool worker. */
export const Control = {
  /** Bumped by the main thread after every change below; the worker `Atomics.wait`s on it. */
  SIGNAL: 0,
  /** State of the input slot, one of `InputState`. */
  INPUT_STATE: 1,
  /** Bytes in the input slot when `INPUT_STATE` is `DATA`. */
  INPUT_LENGTH: 2,
  /** Response bytes the worker may still post before it must wait. */
  CREDIT: 3,
  /** 1 once the client is gone: every blocking call of the worker throws. */
  ABORTED: 4,
} as const;

/** Length of the control `Int32Array`. */
export const CONTROL_WORDS = 8;

/** Values of `Control.INPUT_STATE`. */
export const InputState = { WAITING: 0, DATA: 1, END: 2, DISCONNECTED: 3 } as const;

/** Main thread → worker: handle one HTTP request. */
export interface HttpJobMessage {
  t: "http";
  cgi: CgiEnviron;
  scheme: string;
  /** Whether `http.response.pathsend` may be used for `wsgi.file_wrapper` files with a path. */
  pathsend: boolean;
  /** Whether several workers run the app (`wsgi.multiprocess`). */
  multiprocess: boolean;
}

/** Main thread → worker: call an exported function. */
export interface CallJobMessage {
  t: "call";
  moduleUrl: string;
  exportName: string;
  args: unknown[];
}

/** Every message the main thread posts to a pool worker. */
export type ToWorkerMessage = HttpJobMessage | CallJobMessage;

/** Every message a pool worker posts to the main thread. */
export type FromWorkerMessage =
  | { t: "ready" }
  | { t: "load-error"; error: SerializedError }
  | { t: "read" }
  | { t: "body"; head: ResponseHead | undefined; chunk: Uint8Array; more: boolean; done: boolean }
  | { t: "pathsend"; head: ResponseHead; path: string }
  | { t: "log"; text: string }
  | { t: "http-done" }
  | { t: "http-error"; error: SerializedError }
  | { t: "result"; ok: true; value: unknown }
  | { t: "result"; ok: false; error: SerializedError };
