// Drives an async app the way a server does: a scope object, receive() fed from a readable
// source, send() collecting events (optionally slowly, or failing as if the client left).
import { Readable } from "node:stream";
import { ClientDisconnected, type App, type HTTPReceiveEvent, type HTTPScope, type HTTPSendEvent, type Headers } from "@sluice/core";

export interface RequestSpec {
  method?: string;
  path?: string;
  rootPath?: string;
  query?: string;
  headers?: Headers;
  /** The request body, pulled chunk by chunk through receive(). */
  body?: Readable | Uint8Array | string;
  extensions?: HTTPScope["extensions"];
  /** After the body's chunks, report http.disconnect instead of the final more_body: false. */
  disconnectAfterBody?: boolean;
  /** Called with each event before send() resolves; may throw (e.g. ClientDisconnected) or wait. */
  onSend?: (event: HTTPSendEvent, index: number) => void | Promise<void>;
}

export interface Outcome {
  status: number | undefined;
  headers: Headers;
  body: Buffer;
  events: HTTPSendEvent[];
  /** The app's rejection, when it rejected. */
  error: unknown;
}

export function httpScope(spec: RequestSpec = {}): HTTPScope {
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.5" },
    http_version: "1.1",
    method: spec.method ?? "GET",
    scheme: "http",
    path: spec.path ?? "/",
    raw_path: null,
    query_string: spec.query ?? "",
    root_path: spec.rootPath ?? "",
    headers: spec.headers ?? [["host", "example.test:8080"]],
    client: ["10.1.2.3", 50123],
    server: ["127.0.0.1", 8000],
    ...(spec.extensions === undefined ? {} : { extensions: spec.extensions }),
  };
}

/** A receive() over a readable: each call pulls one chunk; then more_body false; then disconnect. */
export function receiveFrom(source: Readable | Uint8Array | string | undefined, disconnectAfterBody = false): () => Promise<HTTPReceiveEvent> {
  const readable = source instanceof Readable ? source : Readable.from(source === undefined ? [] : [Buffer.from(source)]);
  const iterator = readable[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ended = false;
  return async () => {
    if (ended) return { type: "http.disconnect" };
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      if (disconnectAfterBody) return { type: "http.disconnect" };
      return { type: "http.request", body: new Uint8Array(0), more_body: false };
    }
    return { type: "http.request", body: next.value, more_body: true };
  };
}

export async function callApp(app: App, spec: RequestSpec = {}): Promise<Outcome> {
  const outcome: Outcome = { status: undefined, headers: [], body: Buffer.alloc(0), events: [], error: undefined };
  const parts: Buffer[] = [];
  const receive = receiveFrom(spec.body, spec.disconnectAfterBody);
  const send = async (event: HTTPSendEvent): Promise<void> => {
    await spec.onSend?.(event, outcome.events.length);
    outcome.events.push(event);
    if (event.type === "http.response.start") {
      outcome.status = event.status;
      outcome.headers = event.headers ?? [];
    } else if (event.type === "http.response.body" && event.body !== undefined) {
      parts.push(Buffer.from(event.body));
    }
  };
  try {
    await app(httpScope(spec), receive, send as never);
  } catch (error) {
    outcome.error = error;
  }
  outcome.body = Buffer.concat(parts);
  return outcome;
}

/** An onSend that makes every send after the first `allowed` events fail as if the client left. */
export function disconnectAfter(allowed: number): (event: HTTPSendEvent, index: number) => void {
  return (_event, index) => {
    if (index >= allowed) throw new ClientDisconnected("test client went away");
  };
}

/** Resolves with the first message on the test probe channel that matches `predicate`. */
export function nextProbe<T>(predicate: (message: T) => boolean): { message: Promise<T>; close: () => void } {
  const channel = new BroadcastChannel("sluice-bridge-test");
  const message = new Promise<T>((resolve) => {
    channel.onmessage = (event: unknown) => {
      const data = (event as { data: T }).data;
      if (predicate(data)) {
        channel.close();
        resolve(data);
      }
    };
  });
  return { message, close: () => channel.close() };
}

export const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);
