// A small node:http + ws adapter for the async interface, used only to exercise the
// conformance suite. With no faults it follows the interface; each fault breaks one rule
// on purpose so the suite's checks can be shown to fail.
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pipeline } from "node:stream/promises";
import { WebSocketServer, type WebSocket } from "ws";
import { ClientDisconnected, headersFromRawHeaders, parseRequestTarget } from "@sluice/core";
import type { App, Send, Headers, HTTPReceiveEvent, HTTPScope, HTTPSendEvent, LifespanReceiveEvent, State, WebSocketReceiveEventAny, WebSocketScope, WebSocketSendEventAny } from "@sluice/core";
import type { RunningTarget, StartOptions } from "../src/conformance/types.js";
import { AsyncQueue } from "../src/internal/async-queue.js";
import { deferred } from "../src/internal/deferred.js";

/** The rules the toy can be told to break. */
export type Fault =
  | "raw-path" // scope.path is not percent-decoded
  | "header-case" // header names keep their original case
  | "buffer-body" // reads the whole body before calling the app, delivers it in one event
  | "eager-continue" // lets node:http answer 100 Continue before the app asks for the body
  | "head-body" // writes the body after a HEAD response's headers
  | "no-disconnect" // receive() never reports http.disconnect
  | "clean-end-after-error" // ends a response normally when the app fails mid-response
  | "no-lifespan-state" // gives requests no state
  | "silent-send" // send() after the client left resolves instead of rejecting
  | "ignore-subprotocol" // never selects the subprotocol the app accepted
  | "ignore-startup-failure" // starts even when lifespan startup failed
  | "no-extensions"; // advertises no extensions (not a fault: the extension checks skip)

const asgi = { version: "3.0", spec_version: "2.5" } as const;

function flatten(headers: Headers): string[] {
  return headers.flatMap(([name, value]) => [name, value]);
}

function addressOf(host: string | undefined, port: number | undefined): [string, number] | null {
  return host === undefined || port === undefined ? null : [host.replace(/^::ffff:/, ""), port];
}

class HttpExchange {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #faults: ReadonlySet<Fault>;
  readonly #expectContinue: boolean;
  readonly #ended = deferred<undefined>();
  readonly #chunks: AsyncIterator<Buffer>;
  #buffered: Buffer | undefined;
  #continued = false;
  #bodyDone = false;
  #start: { status: number; headers: Headers; trailers: boolean } | undefined;
  #complete = false;
  #gone = false;

  constructor(req: IncomingMessage, res: ServerResponse, faults: ReadonlySet<Fault>, expectContinue: boolean) {
    this.#req = req;
    this.#res = res;
    this.#faults = faults;
    this.#expectContinue = expectContinue;
    this.#chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    res.on("close", () => {
      if (!this.#complete) this.#gone = true;
      this.#ended.resolve();
    });
  }

  async bufferBody(): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of this.#req) parts.push(part as Buffer);
    this.#buffered = Buffer.concat(parts);
  }

  receive = async (): Promise<HTTPReceiveEvent> => {
    if (this.#expectContinue && !this.#continued) {
      this.#continued = true;
      this.#res.writeContinue();
    }
    if (!this.#bodyDone) {
      if (this.#buffered) {
        this.#bodyDone = true;
        return { type: "http.request", body: this.#buffered, more_body: false };
      }
      try {
        const step = await this.#chunks.next();
        if (!step.done) return { type: "http.request", body: step.value, more_body: true };
        this.#bodyDone = true;
        return { type: "http.request", body: new Uint8Array(0), more_body: false };
      } catch {
        this.#bodyDone = true;
        this.#gone = true;
        return { type: "http.disconnect" };
      }
    }
    if (this.#faults.has("no-disconnect")) return new Promise(() => undefined);
    await this.#ended.promise;
    return { type: "http.disconnect" };
  };

  send = async (event: HTTPSendEvent): Promise<void> => {
    if (this.#gone || this.#res.destroyed) {
      if (this.#faults.has("silent-send")) return;
      throw new ClientDisconnected();
    }
    switch (event.type) {
      case "http.response.early_hint":
        this.#res.writeEarlyHints({ link: event.links });
        return;
      case "http.response.start":
        this.#start = { status: event.status, headers: event.headers ?? [], trailers: event.trailers === true };
        return;
      case "http.response.body":
        return this.#body(event.body ?? new Uint8Array(0), event.more_body === true);
      case "http.response.trailers":
        this.#res.addTrailers(event.headers ?? []);
        if (event.more_trailers !== true) await this.#finish();
        return;
      case "http.response.pathsend":
        this.#writeHead();
        await pipeline(createReadStream(event.path), this.#res);
        this.#markComplete();
        return;
      default:
        throw new Error(`toy server: unsupported event ${event.type}`);
    }
  };

  #writeHead(): void {
    if (this.#res.headersSent || !this.#start) return;
    this.#res.writeHead(this.#start.status, flatten(this.#start.headers));
  }

  async #body(body: Uint8Array, more: boolean): Promise<void> {
    this.#writeHead();
    const isHead = this.#req.method === "HEAD";
    if (body.byteLength > 0 && !isHead && !this.#res.write(body)) {
      await new Promise<void>((resolve) => {
        this.#res.once("drain", resolve);
        this.#res.once("close", resolve);
      });
      if (this.#gone) throw new ClientDisconnected();
    }
    if (more) return;
    if (this.#start?.trailers) return;
    await this.#finish();
    if (isHead && this.#faults.has("head-body")) this.#req.socket.write(body);
  }

  async #finish(): Promise<void> {
    this.#writeHead();
    await new Promise<void>((resolve) => this.#res.end(resolve));
    this.#markComplete();
  }

  #markComplete(): void {
    this.#complete = true;
    this.#ended.resolve();
  }

  /** What the server does when the app returns or throws. */
  settle(error: unknown): void {
    if (this.#complete || this.#gone) return;
    if (error instanceof ClientDisconnected) return;
    if (!this.#res.headersSent) {
      this.#res.writeHead(500, { "content-type": "text/plain", "content-length": "21", connection: "close" }).end("Internal Server Error");
      return;
    }
    if (this.#faults.has("clean-end-after-error")) this.#res.end();
    else this.#req.socket.destroySoon();
  }
}

function buildScope(req: IncomingMessage, faults: ReadonlySet<Fault>, state: State | undefined): HTTPScope {
  const target = parseRequestTarget(req.url ?? "/");
  const rawHeaders = req.rawHeaders;
  const headers: Headers = faults.has("header-case")
    ? rawHeaders.flatMap((item, i) => (i % 2 ? [] : [[item, rawHeaders[i + 1] ?? ""] as [string, string]]))
    : headersFromRawHeaders(rawHeaders);
  const te = headers.some(([name, value]) => name.toLowerCase() === "te" && value.includes("trailers"));
  const scope: HTTPScope = {
    type: "http",
    asgi,
    http_version: req.httpVersion === "1.0" ? "1.0" : "1.1",
    method: req.method ?? "GET",
    scheme: "http",
    path: faults.has("raw-path") ? target.raw_path : target.path,
    raw_path: target.raw_path,
    query_string: target.query_string,
    root_path: "",
    headers,
    client: addressOf(req.socket.remoteAddress, req.socket.remotePort),
    server: addressOf(req.socket.localAddress, req.socket.localPort),
    extensions: faults.has("no-extensions") ? {} : { "http.response.early_hint": {}, "http.response.pathsend": {}, ...(te ? { "http.response.trailers": {} } : {}) },
  };
  if (state && !faults.has("no-lifespan-state")) scope.state = { ...state };
  return scope;
}

function rawResponse(socket: Socket, status: number, headers: Headers, body: Uint8Array): void {
  const head = `HTTP/1.1 ${status} Denied\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join("")}content-length: ${body.byteLength}\r\nconnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]));
}

function handleWebSocket(app: App, wss: WebSocketServer, req: IncomingMessage, socket: Socket, head: Buffer, faults: ReadonlySet<Fault>, state: State | undefined): void {
  const http = buildScope(req, faults, state);
  const protocols = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  const scope: WebSocketScope = { ...http, type: "websocket", http_version: "1.1", scheme: "ws", subprotocols: protocols, extensions: faults.has("no-extensions") ? {} : { "websocket.http.response": {} } };
  const inputs = new AsyncQueue<WebSocketReceiveEventAny>();
  inputs.push({ type: "websocket.connect" });
  let ws: WebSocket | undefined;
  let closed = false;
  let denial: { status: number; headers: Headers; parts: Uint8Array[] } | undefined;
  const send = async (event: WebSocketSendEventAny): Promise<void> => {
    if (closed) {
      if (faults.has("silent-send")) return;
      throw new ClientDisconnected();
    }
    switch (event.type) {
      case "websocket.accept": {
        const extra = event.headers ?? [];
        const chosen = faults.has("ignore-subprotocol") ? undefined : (event.subprotocol ?? undefined);
        wss.once("headers", (lines) => {
          for (const [name, value] of extra) lines.push(`${name}: ${value}`);
        });
        wss.options.handleProtocols = () => chosen ?? false;
        ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, socket, head, resolve));
        ws.on("message", (data: Buffer, binary: boolean) => inputs.push(binary ? { type: "websocket.receive", bytes: data } : { type: "websocket.receive", text: data.toString("utf8") }));
        ws.on("close", (code: number, reason: Buffer) => {
          closed = true;
          inputs.push({ type: "websocket.disconnect", code, reason: reason.toString("utf8") });
        });
        return;
      }
      case "websocket.send":
        if (!ws) throw new Error("toy server: send before accept");
        await new Promise<void>((resolve, reject) => ws?.send(event.bytes ?? event.text ?? "", (error) => (error ? reject(new ClientDisconnected()) : resolve())));
        return;
      case "websocket.close":
        if (ws) ws.close(event.code ?? 1000, event.reason ?? "");
        else {
          closed = true;
          rawResponse(socket, 403, [], new Uint8Array(0));
          inputs.push({ type: "websocket.disconnect", code: 1006, reason: "" });
        }
        return;
      case "websocket.http.response.start":
        denial = { status: event.status, headers: event.headers ?? [], parts: [] };
        return;
      case "websocket.http.response.body":
        if (!denial) throw new Error("toy server: denial body before start");
        denial.parts.push(event.body ?? new Uint8Array(0));
        if (event.more_body !== true) {
          closed = true;
          rawResponse(socket, denial.status, denial.headers, Buffer.concat(denial.parts));
          inputs.push({ type: "websocket.disconnect", code: 1006, reason: "" });
        }
        return;
    }
  };
  app(scope, () => inputs.shift(), send as Send).catch(() => socket.destroy());
}

async function runLifespan(app: App, state: State, faults: ReadonlySet<Fault>): Promise<{ shutdown(): Promise<void> }> {
  const inputs = new AsyncQueue<LifespanReceiveEvent>();
  const answers = new AsyncQueue<string>();
  app({ type: "lifespan", asgi, state }, () => inputs.shift(), (event) => Promise.resolve(answers.push(event.type)).then(() => undefined)).catch((error: unknown) => answers.push(`error: ${String(error)}`));
  inputs.push({ type: "lifespan.startup" });
  const started = await answers.shift();
  const failed = started !== "lifespan.startup.complete";
  if (failed && !faults.has("ignore-startup-failure")) throw new Error(`toy server: lifespan startup answered ${started}`);
  return {
    async shutdown() {
      if (failed) return;
      inputs.push({ type: "lifespan.shutdown" });
      await answers.shift();
    },
  };
}

/** Starts the toy server with `app`; pass `faults` to break rules on purpose. */
export async function startToyServer(app: App, options: StartOptions, faults: readonly Fault[] = []): Promise<RunningTarget> {
  const faultSet = new Set(faults);
  const state: State | undefined = options.lifespan ? {} : undefined;
  const lifespan = options.lifespan && state ? await runLifespan(app, state, faultSet) : undefined;
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const onRequest = (expectContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const exchange = new HttpExchange(req, res, faultSet, expectContinue);
    const scope = buildScope(req, faultSet, state);
    const ready = faultSet.has("buffer-body") ? exchange.bufferBody() : Promise.resolve();
    void ready
      .then(() => app(scope, exchange.receive, exchange.send as Send))
      .then(
        () => exchange.settle(undefined),
        (error: unknown) => exchange.settle(error),
      );
  };
  server.on("request", onRequest(false));
  if (!faultSet.has("eager-continue")) server.on("checkContinue", onRequest(true));
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => handleWebSocket(app, wss, req, socket, head, faultSet, state));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await lifespan?.shutdown();
    },
  };
}
