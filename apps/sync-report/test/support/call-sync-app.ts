import type { Environ, ErrorStream, InputStream, SyncApp } from "@sluice/core";

/** What a sync app produced for one request, as a minimal in-test server saw it. */
export interface SyncExchange {
  status: string;
  headers: Array<[string, string]>;
  /** Chunks passed to write(), then the chunks of the returned iterable, in order. */
  chunks: Uint8Array[];
  /** Text the app wrote to wsgi.errors. */
  errors: string;
  /** How many chunks came through write(). */
  written: number;
}

/** Options of `callSyncApp()`. */
export interface CallOptions {
  method?: string;
  query?: string;
  scriptName?: string;
  /** Stop after this many chunks of the iterable (then close it, as a server does when the client leaves). */
  maxChunks?: number;
}

const emptyInput: InputStream = {
  read: () => new Uint8Array(0),
  readline: () => new Uint8Array(0),
  readlines: () => [],
  [Symbol.iterator]: function* () {},
};

/** A PEP 3333-complete environ for a GET request to `path`. */
export function environFor(path: string, options: CallOptions, errors: ErrorStream): Environ {
  return {
    REQUEST_METHOD: options.method ?? "GET",
    SCRIPT_NAME: options.scriptName ?? "",
    PATH_INFO: path,
    QUERY_STRING: options.query ?? "",
    SERVER_NAME: "testserver",
    SERVER_PORT: "80",
    SERVER_PROTOCOL: "HTTP/1.1",
    HTTP_HOST: "testserver",
    "wsgi.version": [1, 0],
    "wsgi.url_scheme": "http",
    "wsgi.input": emptyInput,
    "wsgi.errors": errors,
    "wsgi.multithread": false,
    "wsgi.multiprocess": false,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
  };
}

/**
 * Calls `app` the way a server does: startResponse records status and headers, write()
 * collects chunks, the returned iterable is read (up to `maxChunks`) and always closed.
 */
export function callSyncApp(app: SyncApp, path: string, options: CallOptions = {}): SyncExchange {
  const exchange: SyncExchange = { status: "", headers: [], chunks: [], errors: "", written: 0 };
  const errors: ErrorStream = {
    write: (text) => void (exchange.errors += text),
    writelines: (lines) => void (exchange.errors += [...lines].join("")),
    flush: () => undefined,
  };
  const body = app(environFor(path, options, errors), (status, headers) => {
    exchange.status = status;
    exchange.headers = headers;
    return (data) => {
      exchange.chunks.push(data);
      exchange.written++;
    };
  });
  try {
    for (const chunk of body) {
      exchange.chunks.push(chunk);
      if (exchange.chunks.length - exchange.written >= (options.maxChunks ?? Infinity)) break;
    }
  } finally {
    body.close?.();
  }
  return exchange;
}

/** The exchange's body as UTF-8 text. */
export function bodyText(exchange: SyncExchange): string {
  return Buffer.concat(exchange.chunks).toString("utf8");
}

/** The value of response header `name` (case-insensitive), if sent. */
export function headerOf(exchange: SyncExchange, name: string): string | undefined {
  return exchange.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}
