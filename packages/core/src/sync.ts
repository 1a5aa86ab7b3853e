/**
 * The blocking request-body reader of the sync interface (`environ["wsgi.input"]`). Reads
 * never go past the request's Content-Length; at the end they return an empty array.
 *
 * @example
 * ```ts
 * const input = environ["wsgi.input"];
 * for (let chunk = input.read(65536); chunk.length > 0; chunk = input.read(65536)) hash.update(chunk);
 * ```
 */
export interface InputStream extends Iterable<Uint8Array> {
  /** Reads up to `size` bytes (all remaining bytes when `size` is omitted or negative); blocks until available. */
  read(size?: number): Uint8Array;
  /** Reads one line including its `\n` (at most `size` bytes when given). */
  readline(size?: number): Uint8Array;
  /** Reads lines until the end, or until about `hint` bytes have been read. */
  readlines(hint?: number): Uint8Array[];
}

/**
 * The error stream of the sync interface (`environ["wsgi.errors"]`): text written here goes to the server's log.
 *
 * @example
 * ```ts
 * environ["wsgi.errors"].write("cache miss for /report\n");
 * ```
 */
export interface ErrorStream {
  /** Writes text to the log. */
  write(text: string): void;
  /** Writes each string in turn. */
  writelines(lines: Iterable<string>): void;
  /** Flushes buffered log output. */
  flush(): void;
}

/**
 * A readable file for `wsgi.file_wrapper`: anything with a blocking `read(size)`; a numeric
 * `fd` or a `path` lets the server send it without copying through the app.
 *
 * @example
 * ```ts
 * const file: FileLike = { fd, read: (n) => readChunkSync(fd, n) };
 * ```
 */
export interface FileLike {
  /** Reads up to `size` bytes; an empty array means end of file. */
  read(size: number): Uint8Array;
  /** Called when the response is done with the file. */
  close?(): void;
  /** An open descriptor for the file, when there is one. */
  readonly fd?: number;
  /** The absolute path of the file, when there is one. */
  readonly path?: string;
}

/**
 * The iterable a sync app returns: byte chunks, optionally with `close()`, which the server
 * always calls once the response ends (normally, on error, or on client disconnect).
 *
 * @example
 * ```ts
 * const body: SyncResponse = Object.assign([new TextEncoder().encode("ok")], { close() { db.release(); } });
 * ```
 */
export type SyncResponse = Iterable<Uint8Array> & { close?(): void };

/**
 * `environ["wsgi.file_wrapper"]`: wraps a file into a response iterable the server may send efficiently.
 *
 * @example
 * ```ts
 * return environ["wsgi.file_wrapper"]!(file, 65536);
 * ```
 */
export type FileWrapper = (file: FileLike, blockSize?: number) => SyncResponse;

/**
 * The `write()` callable returned by `startResponse`, for apps that push body bytes
 * imperatively; it blocks until the bytes are accepted.
 *
 * @example
 * ```ts
 * const write = startResponse("200 OK", [["Content-Type", "text/csv"]]);
 * write(encoder.encode("a,b\n"));
 * ```
 */
export type WriteFn = (data: Uint8Array) => void;

/**
 * Error information passed as the third argument of `startResponse` from an error handler:
 * the caught value. When headers were already sent the server re-throws it.
 *
 * @example
 * ```ts
 * try { ... } catch (error) { startResponse("500 Internal Server Error", [], error as ExcInfo); }
 * ```
 */
export type ExcInfo = unknown;

/**
 * `startResponse(status, headers, excInfo?)`: sets the status line (`"200 OK"`) and response
 * headers; returns the `write()` callable. May be called again only with `excInfo`.
 *
 * @example
 * ```ts
 * startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
 * ```
 */
export type StartResponse = (
  status: string,
  headers: Array<[name: string, value: string]>,
  excInfo?: ExcInfo,
) => WriteFn;

/**
 * The per-request environment of the sync interface (PEP 3333 mapped per DESIGN.md): CGI keys
 * as latin-1 strings plus the `wsgi.*` keys. Request headers appear as `HTTP_*` keys.
 *
 * @example
 * ```ts
 * const app: SyncApp = (environ, startResponse) => {
 *   const who = environ.QUERY_STRING || "world";
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode(`Hello, ${who}!`)];
 * };
 * ```
 */
export interface Environ {
  /** Upper-case method. */
  REQUEST_METHOD: string;
  /** The mount point (the async scope's `root_path`); may be `""`. */
  SCRIPT_NAME: string;
  /** The rest of the path after `SCRIPT_NAME`, percent-decoded, as a latin-1 string of its UTF-8 bytes. */
  PATH_INFO: string;
  /** The raw query string, without `?`; may be `""`. */
  QUERY_STRING: string;
  /** The request `Content-Type`, when sent. */
  CONTENT_TYPE?: string;
  /** The request `Content-Length`, when sent. */
  CONTENT_LENGTH?: string;
  /** Host name of the server. */
  SERVER_NAME: string;
  /** Port of the server, as a string. */
  SERVER_PORT: string;
  /** `"HTTP/1.0"` or `"HTTP/1.1"`. */
  SERVER_PROTOCOL: string;
  /** The client address, when known. */
  REMOTE_ADDR?: string;
  /** The client port, when known. */
  REMOTE_PORT?: string;
  /** Always `[1, 0]`. */
  "wsgi.version": readonly [1, 0];
  /** `"http"` or `"https"`. */
  "wsgi.url_scheme": string;
  /** The request body. */
  "wsgi.input": InputStream;
  /** The error log. */
  "wsgi.errors": ErrorStream;
  /** `true` when another thread may call the app at the same time. */
  "wsgi.multithread": boolean;
  /** `true` when another process may call the app at the same time. */
  "wsgi.multiprocess": boolean;
  /** `true` when the app will be called only once in this process. */
  "wsgi.run_once": boolean;
  /** `true`: `wsgi.input` returns end-of-input at the end of the body, so reading to the end is safe. */
  "wsgi.input_terminated"?: boolean;
  /** The optional high-performance file sender. */
  "wsgi.file_wrapper"?: FileWrapper;
  /** Request headers (`HTTP_USER_AGENT` …), server and middleware keys. */
  [key: string]: unknown;
}

/**
 * A sync-interface application (PEP 3333 semantics): called once per request; returns the
 * body as an iterable of byte chunks.
 *
 * @example
 * ```ts
 * const hello: SyncApp = (environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return [new TextEncoder().encode("Hello, world!")];
 * };
 * ```
 */
export type SyncApp = (environ: Environ, startResponse: StartResponse) => SyncResponse;
