import zlib from "node:zlib";
import { getHeader, type App, type Headers, type HTTPScope, type ReceiveEvent, type SendEvent } from "@sluice/core";

/** A minimal HTTP scope for in-process runs. */
export function httpScope(headers: Headers = [], method = "GET"): HTTPScope {
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.4" },
    http_version: "1.1",
    method,
    scheme: "http",
    path: "/",
    raw_path: "/",
    query_string: "",
    root_path: "",
    headers,
    client: ["127.0.0.1", 50000],
    server: ["127.0.0.1", 8000],
  };
}

/** What an app wrapped in the middleware sent downstream. */
export interface Recorded {
  events: SendEvent[];
  status: number | undefined;
  headers: Headers;
  /** Body bytes as sent (still encoded). */
  body: Buffer;
  header(name: string): string | undefined;
}

/** Runs `app` in-process with a recording `send` and resolves when the app returns. */
export async function run(app: App, scope: HTTPScope): Promise<Recorded> {
  const events: SendEvent[] = [];
  await app(
    scope,
    () => Promise.resolve({ type: "http.request", body: new Uint8Array(), more_body: false }),
    collectInto(events),
  );
  return record(events);
}

export function record(events: SendEvent[]): Recorded {
  const start = events.find((event) => event.type === "http.response.start");
  const headers = start?.type === "http.response.start" ? (start.headers ?? []) : [];
  const chunks: Uint8Array[] = [];
  for (const event of events) if (event.type === "http.response.body" && event.body) chunks.push(event.body);
  return {
    events,
    status: start?.type === "http.response.start" ? start.status : undefined,
    headers,
    body: Buffer.concat(chunks),
    header: (name) => getHeader(headers, name),
  };
}

/** An app answering with `body` in one message, with `headers` (JSON type unless given). */
export function oneShotApp(body: Uint8Array, headers: Headers = [["content-type", "application/json"]], status = 200): App {
  return async (_scope, _receive, send) => {
    await send({ type: "http.response.start", status, headers });
    await send({ type: "http.response.body", body });
  };
}

/** An app streaming `chunks`, each as its own body message, then an empty final message. */
export function streamingApp(chunks: Uint8Array[], headers: Headers = [["content-type", "text/event-stream"]]): App {
  return async (_scope, _receive, send) => {
    await send({ type: "http.response.start", status: 200, headers });
    for (const chunk of chunks) await send({ type: "http.response.body", body: chunk, more_body: true });
    await send({ type: "http.response.body", body: new Uint8Array(), more_body: false });
  };
}

/** A JSON document of about `size` bytes. */
export function jsonBody(size: number): Buffer {
  const items: unknown[] = [];
  let length = 2;
  for (let i = 0; length < size; i++) {
    const item = { id: i, name: `item ${i}`, tags: ["alpha", "beta"], price: i * 1.37, active: i % 2 === 0 };
    length += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return Buffer.from(JSON.stringify(items));
}

/** Decodes `data` with Node's zlib for `encoding`. */
export function decode(encoding: string | undefined, data: Uint8Array): Buffer {
  switch (encoding) {
    case "gzip":
      return zlib.gunzipSync(data);
    case "deflate":
      return zlib.inflateSync(data);
    case "br":
      return zlib.brotliDecompressSync(data);
    default:
      throw new Error(`cannot decode ${String(encoding)}`);
  }
}

/** A streaming decoder for `encoding` (flushed chunks decode as they arrive). */
export function createDecoder(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress {
  switch (encoding) {
    case "gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      throw new Error(`cannot decode ${String(encoding)}`);
  }
}

/** A `receive` for apps that never read the request. */
export const disconnected = (): Promise<ReceiveEvent> => Promise.resolve({ type: "http.disconnect" });

/** A `send` that records every event into `events`. */
export function collectInto(events: SendEvent[]): (event: SendEvent) => Promise<void> {
  return (event) => {
    events.push(event);
    return Promise.resolve();
  };
}
