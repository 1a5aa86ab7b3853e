import { connect, type Socket } from "node:net";
import { getHeader, type Headers } from "@sluice/core";
import type { CheckContext } from "./types.js";

/** One HTTP response parsed out of raw bytes. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  trailers: Headers;
  /** `true` when the body was chunked and ended with the terminating zero-size chunk. */
  chunkedComplete: boolean;
  /** Offset just past this response in the received bytes. */
  end: number;
}

/** A raw TCP client for byte-exact HTTP checks: everything received is kept in `received`. */
export class RawClient {
  readonly socket: Socket;
  received = Buffer.alloc(0);
  ended = false;
  readonly #ctx: CheckContext;
  readonly #listeners = new Set<() => void>();

  private constructor(socket: Socket, ctx: CheckContext) {
    this.socket = socket;
    this.#ctx = ctx;
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.#notify();
    });
    const onEnd = (): void => {
      this.ended = true;
      this.#notify();
    };
    socket.on("end", onEnd);
    socket.on("close", onEnd);
    socket.on("error", onEnd);
  }

  /** Opens a connection to the server at `url`. */
  static async open(ctx: CheckContext, url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    ctx.defer(() => socket.destroy());
    await ctx.wait(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      }),
      `a TCP connection to ${url}`,
    );
    return new RawClient(socket, ctx);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Writes bytes (a string is sent as latin-1) and resolves once the socket took them. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Waits until `probe` returns something for the bytes received so far (re-run on every arrival). */
  waitFor<T>(probe: (received: Buffer, ended: boolean) => T | undefined, what: string): Promise<T> {
    const first = probe(this.received, this.ended);
    if (first !== undefined) return Promise.resolve(first);
    let listener: () => void = () => undefined;
    const found = new Promise<T>((resolve) => {
      listener = () => {
        const value = probe(this.received, this.ended);
        if (value !== undefined) resolve(value);
      };
      this.#listeners.add(listener);
    });
    return this.#ctx.wait(found, what).finally(() => this.#listeners.delete(listener));
  }

  /** Waits for the server to close the connection. */
  waitForEnd(what: string): Promise<true> {
    return this.waitFor((_received, ended) => (ended ? true : undefined), what);
  }

  /** Waits for the complete response starting at `offset` (skipping 1xx responses unless asked). */
  readResponse(options: { offset?: number; head?: boolean; informational?: boolean } = {}, what = "a complete HTTP response"): Promise<RawResponse> {
    return this.waitFor((received, ended) => parseResponse(received, options.offset ?? 0, options.head ?? false, ended, options.informational ?? false), what);
  }

  /** Closes the connection abruptly. */
  destroy(): void {
    this.socket.destroy();
  }
}

/** Writes a request head (and optional body) as raw HTTP/1.1. */
export function requestHead(method: string, target: string, headers: ReadonlyArray<readonly [string, string]>, version = "HTTP/1.1"): string {
  return `${method} ${target} ${version}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;
}

function parseHead(received: Buffer, offset: number): { status: number; headers: Headers; bodyStart: number } | undefined {
  const headEnd = received.indexOf("\r\n\r\n", offset, "latin1");
  if (headEnd === -1) return undefined;
  const lines = received.toString("latin1", offset, headEnd).split("\r\n");
  const status = Number((lines[0] ?? "").split(" ")[1]);
  const headers: Headers = lines.slice(1).map((line) => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  return { status, headers, bodyStart: headEnd + 4 };
}

function parseChunked(received: Buffer, start: number): { body: Buffer; trailers: Headers; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = received.indexOf("\r\n", at, "latin1");
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(received.toString("latin1", at, lineEnd).split(";")[0] ?? "", 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) {
      const trailerEnd = received.indexOf("\r\n\r\n", lineEnd, "latin1");
      const bareEnd = received.toString("latin1", lineEnd, lineEnd + 4) === "\r\n\r\n";
      if (bareEnd) return { body: Buffer.concat(parts), trailers: [], end: lineEnd + 4 };
      if (trailerEnd === -1) return undefined;
      const trailers: Headers = received
        .toString("latin1", lineEnd + 2, trailerEnd)
        .split("\r\n")
        .map((line) => {
          const colon = line.indexOf(":");
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        });
      return { body: Buffer.concat(parts), trailers, end: trailerEnd + 4 };
    }
    if (received.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(received.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Chunked bytes received so far, for a response that may never complete. */
export function partialChunkedBody(received: Buffer, start: number): Buffer {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = received.indexOf("\r\n", at, "latin1");
    if (lineEnd === -1) break;
    const size = Number.parseInt(received.toString("latin1", at, lineEnd), 16);
    if (Number.isNaN(size) || size === 0) break;
    parts.push(received.subarray(lineEnd + 2, Math.min(received.length, lineEnd + 2 + size)));
    if (received.length < lineEnd + 2 + size + 2) break;
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Parses the response starting at `offset`, or `undefined` when it has not fully arrived. */
export function parseResponse(received: Buffer, offset: number, head: boolean, ended: boolean, informational = false): RawResponse | undefined {
  let at = offset;
  for (;;) {
    const parsed = parseHead(received, at);
    if (!parsed) return undefined;
    const { status, headers, bodyStart } = parsed;
    if (status >= 100 && status < 200 && status !== 101) {
      if (informational) return { status, headers, body: Buffer.alloc(0), trailers: [], chunkedComplete: false, end: bodyStart };
      at = bodyStart;
      continue;
    }
    if (head || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), trailers: [], chunkedComplete: false, end: bodyStart };
    if (getHeader(headers, "transfer-encoding")?.toLowerCase().includes("chunked")) {
      const chunked = parseChunked(received, bodyStart);
      if (chunked) return { status, headers, body: chunked.body, trailers: chunked.trailers, chunkedComplete: true, end: chunked.end };
      if (!ended) return undefined;
      return { status, headers, body: partialChunkedBody(received, bodyStart), trailers: [], chunkedComplete: false, end: received.length };
    }
    const length = getHeader(headers, "content-length");
    if (length !== undefined) {
      const end = bodyStart + Number(length);
      if (received.length < end && !ended) return undefined;
      return { status, headers, body: received.subarray(bodyStart, end), trailers: [], chunkedComplete: false, end: Math.min(end, received.length) };
    }
    if (!ended) return undefined;
    return { status, headers, body: received.subarray(bodyStart), trailers: [], chunkedComplete: false, end: received.length };
  }
}
