import { connect, type Socket } from "node:net";
import type { App, HTTPReceive, HTTPScope, HTTPSend, Receive, Send } from "@sluice/core";
import { serve, type Logger, type LogLevel, type RunningServer, type ServeOptions } from "../src/index.js";

/** A logger that keeps every line, for assertions. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: LogLevel | "access"; line: string }> = [];
  log(level: LogLevel, line: string): void {
    this.lines.push({ level, line });
  }
  access(line: string): void {
    this.lines.push({ level: "access", line });
  }
  text(level?: LogLevel | "access"): string {
    return this.lines
      .filter((entry) => level === undefined || entry.level === level)
      .map((entry) => entry.line)
      .join("\n");
  }
}

/** Starts a server on 127.0.0.1:0 with quiet defaults; remember to close it. */
export async function start(app: App, options: ServeOptions = {}): Promise<RunningServer & { logger: MemoryLogger }> {
  const logger = options.logger instanceof MemoryLogger ? options.logger : new MemoryLogger();
  const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", ...options, logger });
  return Object.assign(server, { logger });
}

/** Wraps an HTTP-only handler as an App. */
export function httpApp(handler: (scope: HTTPScope, receive: HTTPReceive, send: HTTPSend) => Promise<void>): App {
  return async (scope, receive: Receive, send: Send) => {
    if (scope.type !== "http") return;
    await handler(scope, receive as HTTPReceive, send);
  };
}

/** An app answering 200 with `text`. */
export function textApp(text: string | ((scope: HTTPScope) => string)): App {
  return httpApp(async (scope, _receive, send) => {
    const body = Buffer.from(typeof text === "string" ? text : text(scope));
    await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
    await send({ type: "http.response.body", body });
  });
}

/** Reads the whole request body through `receive()`. */
export async function readBody(receive: HTTPReceive): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const event = await receive();
    if (event.type !== "http.request") break;
    chunks.push(event.body);
    if (!event.more_body) break;
  }
  return Buffer.concat(chunks);
}

/** A raw TCP connection with helpers to wait for bytes. */
export class RawClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  private ended = false;
  /** Bytes received so far. */
  received = 0;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.received += chunk.length;
      this.wake();
    });
    socket.on("error", () => undefined);
    this.closed = new Promise<void>((resolve) => {
      socket.on("close", () => {
        this.ended = true;
        this.wake();
        resolve();
      });
    });
  }

  static async open(port: number, host = "127.0.0.1", localAddress?: string): Promise<RawClient> {
    const socket = localAddress === undefined ? connect(port, host) : connect({ port, host, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Everything received so far, as latin-1 text. */
  get text(): string {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]?.toString("latin1") ?? "";
  }

  /** Waits until the received text satisfies `predicate` (or the socket closes). */
  async until(predicate: (text: string) => boolean): Promise<string> {
    while (!predicate(this.text)) {
      if (this.ended) throw new Error(`connection closed before the expected data arrived; got:\n${this.text}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.text;
  }

  /** Waits for the peer to close and returns all text. */
  async readToEnd(): Promise<string> {
    await this.closed;
    return this.text;
  }

  /** Waits for `count` complete responses with content-length or chunked bodies. */
  async responses(count: number): Promise<ParsedResponse[]> {
    let parsed: ParsedResponse[] = [];
    await this.until((text) => {
      parsed = parseResponses(text);
      return parsed.length >= count;
    });
    return parsed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** One response parsed from raw bytes. */
export interface ParsedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  trailers: Array<[string, string]>;
}

/** Parses consecutive HTTP/1.1 responses (content-length or chunked); stops at an incomplete one. */
export function parseResponses(text: string, headRequests = 0): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const headEnd = rest.indexOf("\r\n\r\n");
    if (headEnd === -1) break;
    const lines = rest.slice(0, headEnd).split("\r\n");
    const status = Number((lines[0] ?? "").split(" ")[1]);
    const headers = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
    const get = (name: string): string | undefined => headers.find(([key]) => key === name)?.[1];
    let cursor = headEnd + 4;
    let body = "";
    const trailers: Array<[string, string]> = [];
    if (status < 200 || status === 204 || status === 304 || out.length < headRequests) {
      // no body
    } else if (get("transfer-encoding") === "chunked") {
      let complete = false;
      for (;;) {
        const lineEnd = rest.indexOf("\r\n", cursor);
        if (lineEnd === -1) break;
        const size = parseInt(rest.slice(cursor, lineEnd), 16);
        if (size === 0) {
          let trailerCursor = lineEnd + 2;
          for (;;) {
            const end = rest.indexOf("\r\n", trailerCursor);
            if (end === -1) break;
            if (end === trailerCursor) {
              cursor = end + 2;
              complete = true;
              break;
            }
            const line = rest.slice(trailerCursor, end);
            const colon = line.indexOf(":");
            trailers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
            trailerCursor = end + 2;
          }
          break;
        }
        if (rest.length < lineEnd + 2 + size + 2) break;
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        cursor = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
    } else {
      const length = Number(get("content-length") ?? "0");
      if (rest.length < cursor + length) break;
      body = rest.slice(cursor, cursor + length);
      cursor += length;
    }
    out.push({ status, headers, body, trailers });
    rest = rest.slice(cursor);
  }
  return out;
}

/** A promise plus its resolver, for waiting on events from inside an app. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
