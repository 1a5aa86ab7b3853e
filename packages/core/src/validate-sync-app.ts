import { ProtocolError } from "./errors.js";
import { checkEnviron } from "./internal/environ-checks.js";
import { describeValue, fail } from "./internal/fail.js";
import { checkStatusLine, checkSyncHeaders } from "./internal/sync-headers.js";
import { checkIterable, checkedResponse, type ResponseProgress } from "./internal/sync-response.js";
import { checkedErrors, checkedFileWrapper, checkedInput } from "./internal/sync-streams.js";
import type { Environ, FileWrapper, StartResponse, SyncApp, SyncResponse, WriteFn } from "./sync.js";

/**
 * A sync app wrapped by `validateSyncApp`: callable like the app, plus a check that the
 * server closed every response.
 *
 * @example
 * ```ts
 * const checked: ValidatedSyncApp = validateSyncApp(app);
 * const body = checked(environ, startResponse);
 * for (const chunk of body) socket.write(chunk);
 * body.close?.();
 * checked.assertResponsesClosed();
 * ```
 */
export interface ValidatedSyncApp {
  /** Runs the wrapped app with checking stand-ins for `startResponse`, `wsgi.input`, `wsgi.errors` and `wsgi.file_wrapper`. */
  (environ: Environ, startResponse: StartResponse): SyncResponse;
  /**
   * Throws a `ProtocolError` (rule `response-close-missing`) when a response this wrapper
   * returned has not had `close()` called yet. Call it once the server has finished its
   * responses (e.g. at the end of a test); JavaScript has no deterministic finaliser to do it
   * automatically.
   */
  assertResponsesClosed(): void;
}

/**
 * Wraps a sync-interface app so that every broken rule of the Sluice interface specification
 * (SPEC.md, "Validator rules") throws a `ProtocolError` at the moment it happens, like
 * Python's `wsgiref.validate`:
 *
 * - **server side**, when the wrapper is called: the environ must have every required key,
 *   CGI keys as byte strings, `wsgi.version` `[1, 0]`, `wsgi.url_scheme` `http`/`https`,
 *   streams with their methods, no `HTTP_CONTENT_TYPE`/`HTTP_CONTENT_LENGTH`, SCRIPT_NAME and
 *   PATH_INFO in shape; later, `wsgi.input` must return `Uint8Array` and never more than
 *   CONTENT_LENGTH bytes, `startResponse` must return `write` and must re-throw `excInfo` once
 *   headers were sent, and the server must call the response's `close()` exactly once and not
 *   read it afterwards (see `assertResponsesClosed`).
 * - **app side**: `startResponse(status, headers, excInfo?)` needs a `"NNN Reason"` status and
 *   `[name, value]` byte-string header pairs without control characters, `Status` or
 *   hop-by-hop headers; it may be called again only with `excInfo`; the app must return an
 *   iterable of `Uint8Array` and call `startResponse` before the first non-empty chunk; `write()`
 *   takes a `Uint8Array`; `wsgi.input` reads take an optional integer; `wsgi.errors` takes
 *   strings; neither stream may be closed by the app.
 *
 * The app receives a shallow copy of the environ with checking stand-ins for `wsgi.input`,
 * `wsgi.errors` and `wsgi.file_wrapper`; the response is wrapped too, so a server that
 * recognises `wsgi.file_wrapper` responses will iterate this one instead. A violation the app
 * catches and ignores is thrown again when the app returns.
 *
 * @param app the sync app to check
 * @returns the checking app, with `assertResponsesClosed()`
 *
 * @example
 * ```ts
 * import { validateSyncApp } from "@sluice/core";
 *
 * const checked = validateSyncApp((environ, startResponse) => {
 *   startResponse("200 OK", [["Connection", "close"]]); // throws: rule header-hop-by-hop
 *   return [new TextEncoder().encode("hi")];
 * });
 * ```
 */
export function validateSyncApp(app: SyncApp): ValidatedSyncApp {
  const open = new Set<object>();
  const checked = (environ: Environ, startResponse: StartResponse): SyncResponse => {
    if (typeof (startResponse as unknown) !== "function") {
      fail("call-args", `the sync app was called with startResponse ${describeValue(startResponse)}; it must be a function`);
    }
    checkEnviron(environ);
    let firstViolation: ProtocolError | undefined;
    const noted = <T>(run: () => T): T => {
      try {
        return run();
      } catch (error) {
        if (error instanceof ProtocolError) firstViolation ??= error;
        throw error;
      }
    };
    const progress: Progress & ResponseProgress = {
      started: false,
      headersSent: false,
      markHeadersSent: () => {
        progress.headersSent = true;
      },
    };
    const checkedStart = (...args: unknown[]): WriteFn =>
      noted(() => {
        const write = startChecked(args, progress, startResponse);
        return (data: Uint8Array) => noted(() => writeChecked(data, write, progress));
      });
    const result: unknown = app(checkedEnviron(environ, noted), checkedStart);
    noted(() => checkIterable(result));
    const token = {};
    open.add(token);
    const response = checkedResponse(result as SyncResponse, progress, () => open.delete(token));
    if (firstViolation !== undefined) {
      response.close();
      throw firstViolation;
    }
    return response;
  };
  return Object.assign(checked, {
    assertResponsesClosed(): void {
      if (open.size > 0) {
        fail("response-close-missing", `${open.size} response(s) returned by the sync app were never closed; the server must call close() on every response`);
      }
    },
  });
}

interface Progress {
  started: boolean;
  headersSent: boolean;
}

function startChecked(args: unknown[], progress: Progress, startResponse: StartResponse): WriteFn {
  if (args.length < 2 || args.length > 3) {
    fail("start-response-args", `startResponse was called with ${args.length} arguments; it takes (status, headers, excInfo?)`, args);
  }
  const [status, headers, excInfo] = args;
  const hasExcInfo = excInfo !== undefined && excInfo !== null;
  if (progress.started && !hasExcInfo) {
    fail("start-response-twice", "startResponse was called a second time without excInfo; only an error handler passing excInfo may call it again", args);
  }
  checkStatusLine(status);
  checkSyncHeaders(headers);
  const write: unknown = hasExcInfo ? startResponse(status as string, headers as Array<[string, string]>, excInfo) : startResponse(status as string, headers as Array<[string, string]>);
  if (hasExcInfo && progress.headersSent) {
    fail("start-response-reraise", "the server's startResponse returned normally when called with excInfo after headers were sent; it must re-throw excInfo", excInfo);
  }
  if (typeof write !== "function") {
    fail("start-response-result", `the server's startResponse returned ${describeValue(write)}; it must return the write() function`, write);
  }
  progress.started = true;
  return write as WriteFn;
}

function writeChecked(data: unknown, write: WriteFn, progress: Progress): void {
  if (!(data instanceof Uint8Array)) fail("write-type", `write() takes a Uint8Array, got ${describeValue(data)}`, data);
  write(data);
  if (data.length > 0) progress.headersSent = true;
}

function checkedEnviron(environ: Environ, noted: <T>(run: () => T) => T): Environ {
  const length = environ.CONTENT_LENGTH === undefined || environ.CONTENT_LENGTH === "" ? undefined : Number(environ.CONTENT_LENGTH);
  const input = checkedInput(environ["wsgi.input"], length);
  const errors = checkedErrors(environ["wsgi.errors"]);
  const copy: Environ = {
    ...environ,
    "wsgi.input": guardAll(input, noted),
    "wsgi.errors": guardAll(errors, noted),
  };
  const fileWrapper = environ["wsgi.file_wrapper"];
  if (fileWrapper !== undefined) {
    const wrapped: FileWrapper = checkedFileWrapper(fileWrapper);
    copy["wsgi.file_wrapper"] = (file, blockSize) => noted(() => wrapped(file, blockSize));
  }
  return copy;
}

/** Routes every method of a stand-in through `noted`, so violations the app swallows are remembered. */
function guardAll<T extends object>(target: T, noted: <R>(run: () => R) => R): T {
  const guarded: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(target)) {
    const value: unknown = (target as Record<PropertyKey, unknown>)[key];
    guarded[key] = typeof value === "function" ? (...args: unknown[]) => noted(() => (value as (...a: unknown[]) => unknown).apply(target, args)) : value;
  }
  return guarded as T;
}
