import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect as netConnect, type AddressInfo, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { randomBytes } from "node:crypto";
import type { App, WebSocketReceive, WebSocketReceiveEventAny, WebSocketScope, WebSocketSend } from "@sluice/core";
import { WebSocket, type ClientOptions } from "ws";
import { createWebSocketHandler, type WebSocketHandler, type WebSocketLogger, type WebSocketOptions } from "../src/index.js";

/** A node:http server on 127.0.0.1 with the handler wired to its 'upgrade' event. */
export interface TestServer {
  url: string;
  port: number;
  handler: WebSocketHandler;
  http: Server;
  /** The raw server-side sockets of every upgrade, in order. */
  sockets: Duplex[];
  close(): Promise<void>;
}

export async function startServer(app: App, options: WebSocketOptions = {}): Promise<TestServer> {
  const handler = createWebSocketHandler(app, { logger: silentLogger(), ...options });
  const http = createServer((_req, res) => {
    res.writeHead(426).end();
  });
  const sockets: Duplex[] = [];
  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.push(socket);
    handler.handleUpgrade(req, socket, head);
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    handler,
    http,
    sockets,
    async close() {
      await handler.close(1001, 2_000);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A WebSocket-only app written against the narrowed types. */
export function websocketApp(
  handle: (scope: WebSocketScope, receive: WebSocketReceive, send: WebSocketSend) => Promise<void>,
): App {
  return async (scope, receive, send) => {
    if (scope.type !== "websocket") throw new Error(`unexpected scope ${scope.type}`);
    await handle(scope, receive as WebSocketReceive, send);
  };
}

/** An app that accepts and echoes every message until the client disconnects. */
export const echoApp = websocketApp(async (_scope, receive, send) => {
  await receive();
  await send({ type: "websocket.accept" });
  for (;;) {
    const event = await receive();
    if (event.type === "websocket.disconnect") return;
    if (event.type !== "websocket.receive") continue;
    if (event.text !== undefined && event.text !== null) await send({ type: "websocket.send", text: event.text });
    else await send({ type: "websocket.send", bytes: event.bytes ?? new Uint8Array() });
  }
});

export interface RecordingLogger extends WebSocketLogger {
  errors: Array<{ message: string; error: unknown }>;
  warnings: string[];
  /** Resolves at the next error logged (or at once if one already was). */
  nextError(): Promise<{ message: string; error: unknown }>;
}

export function recordingLogger(): RecordingLogger {
  const waiting: Array<(entry: { message: string; error: unknown }) => void> = [];
  const logger: RecordingLogger = {
    errors: [],
    warnings: [],
    error(message, error) {
      const entry = { message, error };
      logger.errors.push(entry);
      for (const resolve of waiting.splice(0)) resolve(entry);
    },
    warn(message) {
      logger.warnings.push(message);
    },
    nextError() {
      const first = logger.errors[0];
      if (first !== undefined) return Promise.resolve(first);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  return logger;
}

export function silentLogger(): WebSocketLogger {
  return { error() {}, warn() {} };
}

/** Opens a ws client and resolves once it is open (rejects on error or a non-101 answer). */
export function connect(url: string, protocols?: string | string[], options?: ClientOptions): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, options);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res: IncomingMessage) => {
      reject(new Error(`unexpected response ${res.statusCode}`));
      res.resume();
    });
  });
}

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

/** Attempts a WebSocket connection that the server is expected to refuse; resolves with its HTTP answer. */
export function refusedAnswer(url: string, protocols?: string | string[], options?: ClientOptions): Promise<HttpAnswer> {
  const ws = new WebSocket(url, protocols, options);
  ws.on("error", () => {});
  return new Promise((resolve, reject) => {
    ws.once("open", () => {
      ws.terminate();
      reject(new Error("the handshake was accepted"));
    });
    ws.once("unexpected-response", (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
      });
      res.on("error", reject);
    });
  });
}

/** Resolves with the client's close code and reason. */
export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) throw new Error("already closed");
  return new Promise((resolve) => {
    ws.once("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }));
  });
}

/** Resolves with the next message the client receives. */
export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => {
    ws.once("message", (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
  });
}

/** A promise with its resolve function, for handing values between an app and a test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `condition` until it holds (state that has no event of its own); fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Waits until `progress()` stops changing for `quietMs` (a stalled transfer). On a busy
 * machine this can end early, which only makes the bounds checked afterwards easier to meet.
 */
export async function waitForStall(progress: () => number, quietMs = 300, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  let last = progress();
  let lastChange = Date.now();
  while (Date.now() - lastChange < quietMs) {
    if (Date.now() - started > timeoutMs) throw new Error("the transfer never stalled");
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    }
  }
}

/** Opens a raw TCP connection, performs the opening handshake by hand and resolves after the 101. */
export async function rawUpgrade(port: number, path = "/"): Promise<{ socket: Socket; head: string }> {
  const socket = netConnect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let received = Buffer.alloc(0);
  for (;;) {
    const [chunk] = (await once(socket, "data")) as [Buffer];
    received = Buffer.concat([received, chunk]);
    const end = received.indexOf("\r\n\r\n");
    if (end !== -1) {
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      return { socket, head: received.subarray(0, end).toString("latin1") };
    }
  }
}

/** Sends raw bytes (a request) on a TCP connection and resolves with everything the server answers before closing. */
export async function rawExchange(port: number, request: string | Buffer): Promise<string> {
  const socket = netConnect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(request);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  return Buffer.concat(chunks).toString("latin1");
}

/** Builds one client frame (masked, as RFC 6455 requires of clients unless `masked` is false). */
export function frame(opcode: number, payload: Buffer, options: { fin?: boolean; masked?: boolean } = {}): Buffer {
  const fin = options.fin ?? true;
  const masked = options.masked ?? true;
  const length = payload.length;
  const header: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else throw new Error("frame helper supports payloads below 64 KiB");
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([Buffer.from(header), mask, body]);
}

/** Reads server frames from a raw socket until a close frame; resolves with its code (1005 when empty). */
export async function readCloseFrame(socket: Socket): Promise<number> {
  let buffered = Buffer.alloc(0);
  for (;;) {
    while (buffered.length >= 2) {
      const opcode = (buffered[0] as number) & 0x0f;
      let length = (buffered[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) break;
        length = buffered.readUInt16BE(2);
        offset = 4;
      }
      if (buffered.length < offset + length) break;
      const payload = buffered.subarray(offset, offset + length);
      buffered = buffered.subarray(offset + length);
      if (opcode === 0x8) return payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    }
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (data: Buffer): void => {
        socket.off("close", onClose);
        resolve(data);
      };
      const onClose = (): void => {
        socket.off("data", onData);
        resolve(null);
      };
      socket.once("data", onData);
      socket.once("close", onClose);
    });
    if (chunk === null) throw new Error("socket closed without a close frame");
    buffered = Buffer.concat([buffered, chunk]);
  }
}

/** An app that accepts and resolves with the disconnect event it eventually receives. */
export function disconnectApp(): { app: ReturnType<typeof websocketApp>; disconnect: Promise<WebSocketReceiveEventAny> } {
  const result = deferred<WebSocketReceiveEventAny>();
  const app = websocketApp(async (_scope, receive, send) => {
    await receive();
    await send({ type: "websocket.accept" });
    for (;;) {
      const event = await receive();
      if (event.type === "websocket.disconnect") {
        result.resolve(event);
        return;
      }
    }
  });
  return { app, disconnect: result.promise };
}
