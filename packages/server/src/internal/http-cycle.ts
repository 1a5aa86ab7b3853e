import type { IncomingMessage, ServerResponse } from "node:http";
import { isAbsolute } from "node:path";
import type {
  Headers,
  HTTPDisconnectEvent,
  HTTPReceiveEvent,
  HTTPResponseBodyEvent,
  HTTPResponseEarlyHintEvent,
  HTTPResponsePathsendEvent,
  HTTPResponseStartEvent,
  HTTPResponseTrailersEvent,
  HTTPScope,
  SendEvent,
  TextBodyTarget,
} from "@sluice/core";
import { ClientDisconnected, offerTextBody, ProtocolError } from "@sluice/core";
import { sendFileBody } from "./file-sender.js";
import { closeQuietly, openForReading, statOfDescriptor } from "./fs-calls.js";
import type { ServerLog } from "./server-log.js";

/** What a request cycle needs from the server that owns it. */
export interface CycleOwner {
  readonly log: ServerLog;
  /** Largest body in bytes, or `null`. */
  readonly limitRequestBody: number | null;
  /** Milliseconds a request body may stall while the app waits for it (then 408), or `null`. */
  readonly timeoutBodyMs: number | null;
  /** Milliseconds a response may stay blocked on a client that does not read (then the connection is closed), or `null`. */
  readonly timeoutSendMs: number | null;
  /** `true` once graceful shutdown began: responses then carry `Connection: close`. */
  readonly closing: boolean;
  /** Called exactly once when the app has finished with this cycle. */
  cycleFinished(cycle: HttpCycle): void;
  /** Called once when the response is complete or torn down (access log). */
  responseFinished(cycle: HttpCycle): void;
}

// Response phases (plain numbers keep the hot path monomorphic).
const IDLE = 0; // nothing sent by the app yet
const HELD = 1; // http.response.start received, held until the first body message
const STREAMING = 2; // head written, body under way
const AWAITING_TRAILERS = 3; // last body chunk written, trailers announced and not yet sent
const COMPLETE = 4; // response ended (or the connection was torn down)

const EMPTY_BODY = Buffer.alloc(0);
const NO_HEADERS: Headers = [];
const RESOLVED: Promise<void> = Promise.resolve();
const DISCONNECT: HTTPDisconnectEvent = Object.freeze({ type: "http.disconnect" });
const DISCONNECTED: Promise<HTTPDisconnectEvent> = Promise.resolve(DISCONNECT);

/** The event that ends a body whose last bytes were already handed over (or that had none). */
function lastEmptyChunk(): HTTPReceiveEvent {
  return { type: "http.request", body: EMPTY_BODY, more_body: false };
}
const PLAIN_TEXT = "text/plain; charset=utf-8";
const NOOP = (): void => undefined;

/** Up to this many unread request-body bytes are drained to keep a connection alive. */
const UNREAD_BODY_DRAIN_LIMIT = 64 * 1024;

// The body listeners and the stall timer are shared functions that find their cycle through the
// request, not closures made per request. Measured on 1 MiB uploads, per-request closures kept
// whole finished requests alive through young-generation collections (about 75 KB surviving
// each scavenge instead of 8 KB), which cost a full collection every few scavenges.
const kCycle = Symbol("sluice.cycle");
type CycleRequest = IncomingMessage & { [kCycle]?: HttpCycle | undefined };

/**
 * The most recent request-body chunk, whatever request it came from. Node copies every body
 * chunk into a fresh 64 KiB malloc block, so the newest chunk is usually the block at the top of
 * the C heap. Keeping it reachable stops glibc from trimming the heap top each time a
 * young-generation collection frees the chunks below it, and then faulting the same pages in
 * again for the next chunks. Measured on 1 MiB uploads: about 16,000 `brk` calls and 150 page
 * faults per request without it, under 3,500 and 30 with it (node:http: 200 to 3,600 and 0 to 35).
 * It costs one chunk of memory per process.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- written to keep the chunk reachable, never read
let newestBodyChunk: Buffer | null = null;

function bodyDataArrived(this: CycleRequest, chunk: Buffer): void {
  newestBodyChunk = chunk;
  this[kCycle]?.bodyData(chunk);
}

/** Lets go of the chunk `bodyDataArrived` keeps (when a server closes). */
export function releaseNewestBodyChunk(): void {
  newestBodyChunk = null;
}

function bodyEventArrived(this: CycleRequest): void {
  this[kCycle]?.bodyEvent();
}

function bodyStalled(cycle: HttpCycle): void {
  cycle.stallTimerFired();
}

/** The resolver of the promise being made; `captureResolver` is the one shared executor. */
let capturedResolver: ((event: HTTPReceiveEvent) => void) | null = null;
function captureResolver(resolve: (event: HTTPReceiveEvent) => void): void {
  capturedResolver = resolve;
}

/**
 * One HTTP request/response exchange: the `receive` and `send` callables handed to the app,
 * with pull-based body reading and a held, backpressured response.
 */
export class HttpCycle implements TextBodyTarget {
  /** The app's `receive`. */
  readonly receive: () => Promise<HTTPReceiveEvent>;
  /** The app's `send`. */
  readonly send: (event: SendEvent) => Promise<void>;
  /** Response status (for the access log); 0 until known. */
  status = 0;
  /** Body bytes written (for the access log). */
  sentBytes = 0;
  /** `performance.now()` at the start, when the access log is on. */
  readonly startedAt: number;

  private phase = IDLE;
  private headers: Headers = NO_HEADERS;
  private wantsTrailers = false;
  private declaredLength = -1;
  /** The app set Transfer-Encoding itself: the server then adds no Content-Length. */
  private appFramed = false;
  private trailerList: Headers | null = null;
  private bodyDone = false;
  /** Whether body listeners are attached (from the first `receive()` until the body ends). */
  private reading = false;
  /** Whether `bodyData` paused the request because a chunk arrived with nobody waiting. */
  private paused = false;
  /** The next body chunk that arrived and was not yet handed to the app. */
  private pending: Buffer | null = null;
  /** Chunks behind `pending` (rare: the stream pauses as soon as one chunk waits). */
  private backlog: Buffer[] | null = null;
  /** The parked `receive()`'s resolver, while the app waits for the body. */
  private receiver: ((event: HTTPReceiveEvent) => void) | null = null;
  /** The parked `receive()`'s promise (a second concurrent call queues behind it). */
  private pendingReceive: Promise<HTTPReceiveEvent> | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  /** `performance.now()` when the current wait for the body began (for `timeoutBody`). */
  private waitStartedAt = 0;
  private bodyBytes = 0;
  private continuePending: boolean;
  private disconnectWaiter: Promise<HTTPDisconnectEvent> | null = null;
  /** The server answered on the app's behalf (413): to the app the client is gone. */
  private answeredByServer = false;
  private wakeDisconnectWaiter: (() => void) | null = null;

  constructor(
    readonly owner: CycleOwner,
    readonly scope: HTTPScope,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    expectsContinue: boolean,
    private readonly trailersAllowed: boolean,
    /** The request's body length from Content-Length (0 when it has neither Content-Length nor Transfer-Encoding), or -1 (chunked). */
    private readonly requestLength: number,
  ) {
    this.continuePending = expectsContinue;
    this.startedAt = owner.log.accessEnabled ? performance.now() : 0;
    this.receive = this.doReceive.bind(this);
    this.send = this.doSend.bind(this);
    offerTextBody(this);
  }

  /** Whether the client connection is gone (or, after a server-made 413, as good as gone for the app). */
  isGone(): boolean {
    return this.answeredByServer || this.req.socket.destroyed;
  }

  // ---------------------------------------------------------------- receive

  private doReceive(): Promise<HTTPReceiveEvent> {
    if (this.phase === COMPLETE || this.isGone()) return DISCONNECTED;
    if (this.bodyDone) return this.waitForDisconnect();
    // A second receive() while one still waits queues behind it rather than stealing its chunk.
    const waiting = this.pendingReceive;
    if (waiting !== null) return waiting.then(this.receive);
    if (this.continuePending) {
      this.continuePending = false;
      if (!this.res.headersSent) this.res.writeContinue();
    }
    if (this.requestLength === 0) {
      // No Content-Length and no Transfer-Encoding (or Content-Length: 0): nothing to read.
      this.bodyDone = true;
      return Promise.resolve(lastEmptyChunk());
    }
    if (!this.reading) this.startReading();
    const event = this.takeBodyEvent();
    if (event !== null) return Promise.resolve(event);
    return this.waitForBodyEvent();
  }

  /**
   * The next event for the app if one can be given now: a chunk that arrived, the end of the
   * body, a server-made refusal (413) or the client gone; `null` when the app must wait.
   */
  private takeBodyEvent(): HTTPReceiveEvent | null {
    const req = this.req;
    const chunk = this.pending;
    if (chunk !== null) {
      const next = this.backlog === null ? null : (this.backlog.shift() ?? null);
      this.pending = next;
      // A chunk that arrived while nobody waited paused the stream; the app taking the last held
      // chunk is what lets the next one in.
      if (next === null && this.paused) this.resumeBody();
      const received = (this.bodyBytes += chunk.length);
      const limit = this.owner.limitRequestBody;
      if (limit !== null && received > limit) return this.rejectOversizedBody();
      // With a Content-Length the last chunk is known by count, before the parser marks the
      // message complete; a chunked body ends when the parser says so and nothing is held.
      const length = this.requestLength;
      const more = length >= 0 ? received < length : !(next === null && req.complete && req.readableLength === 0);
      if (!more) this.finishReading();
      return { type: "http.request", body: chunk, more_body: more };
    }
    if (req.complete && req.readableLength === 0) {
      this.finishReading();
      return lastEmptyChunk();
    }
    if (req.destroyed || this.isGone() || this.phase === COMPLETE) {
      this.stopReading();
      return DISCONNECT;
    }
    return null;
  }

  /** Parks the app's `receive()` until a chunk, the end or a close arrives (or the body stalls). */
  private waitForBodyEvent(): Promise<HTTPReceiveEvent> {
    if (this.paused) this.resumeBody();
    const limit = this.owner.timeoutBodyMs;
    if (limit !== null) {
      // The clock restarts at every wait, but the timer is set once per body: re-arming it per
      // chunk showed up as several microseconds per 1 MiB upload. When it fires,
      // `stallTimerFired` checks how long the current wait has really lasted.
      this.waitStartedAt = performance.now();
      this.stallTimer ??= setTimeout(bodyStalled, limit, this);
    }
    const parked = new Promise<HTTPReceiveEvent>(captureResolver);
    this.receiver = capturedResolver;
    capturedResolver = null;
    return (this.pendingReceive = parked);
  }

  /** Hands `event` to the parked `receive()`. */
  private settleReceive(event: HTTPReceiveEvent): void {
    const resolve = this.receiver;
    if (resolve === null) return;
    this.receiver = null;
    this.pendingReceive = null;
    resolve(event);
  }

  private resumeBody(): void {
    this.paused = false;
    this.req.resume();
  }

  /**
   * Starts the body flowing into `pending`. Chunks go straight to a parked `receive()`; one that
   * arrives while the app is busy is held and the stream paused, so at most that chunk and the
   * one socket read Node buffers before it stops reading wait ahead of the app, and a body of
   * any size never piles up in memory.
   */
  private startReading(): void {
    this.reading = true;
    const req = this.req as CycleRequest;
    req[kCycle] = this;
    req.on("data", bodyDataArrived);
    // A Content-Length body ends by count; only a chunked one needs the parser's word.
    if (this.requestLength === -1) req.on("end", bodyEventArrived);
    req.on("close", bodyEventArrived);
  }

  /** A body chunk came off the socket (the request's "data" listener). */
  bodyData(chunk: Buffer): void {
    if (this.pending === null) this.pending = chunk;
    else (this.backlog ??= []).push(chunk);
    if (this.receiver === null) {
      this.paused = true;
      this.req.pause();
    } else {
      this.wakeReceiver();
    }
  }

  /** The body ended or the request closed while the app may be waiting. */
  bodyEvent(): void {
    if (this.receiver !== null) this.wakeReceiver();
  }

  /**
   * The stall timer fired. It counts only while the app is waiting for the body, and only once
   * the current wait has lasted `timeoutBody`; otherwise the timer is set for the rest of it (or,
   * with the app busy elsewhere, left for the next wait to start).
   */
  stallTimerFired(): void {
    this.stallTimer = null;
    const limit = this.owner.timeoutBodyMs;
    if (this.receiver === null || limit === null) return;
    const left = limit - (performance.now() - this.waitStartedAt);
    // Timers may fire a fraction of a millisecond early by the performance clock.
    if (left > 1) this.stallTimer = setTimeout(bodyStalled, left, this);
    else this.settleReceive(this.rejectStalledBody());
  }

  /** Something arrived: gives the parked `receive()` its event, if there is one yet. */
  private wakeReceiver(): void {
    const event = this.takeBodyEvent();
    if (event !== null) this.settleReceive(event);
  }

  /** The body has been read to its end (or is being given up): stop listening and timing. */
  private finishReading(): void {
    this.bodyDone = true;
    this.stopReading();
  }

  private stopReading(): void {
    if (this.stallTimer !== null) {
      clearTimeout(this.stallTimer);
      this.stallTimer = null;
    }
    if (!this.reading) return;
    this.reading = false;
    const req = this.req as CycleRequest;
    req[kCycle] = undefined;
    req.off("data", bodyDataArrived);
    if (this.requestLength === -1) req.off("end", bodyEventArrived);
    req.off("close", bodyEventArrived);
  }

  /**
   * The response is over while part of the body is still unread. A small rest is let through
   * and discarded so the connection can carry the next request; a large one is left unread,
   * as `writeHead` already marked the connection to close.
   */
  private releaseUnreadBody(): void {
    const req = this.req;
    const small = !this.unreadBodyIsLarge();
    this.stopReading();
    this.pending = null;
    this.backlog = null;
    this.settleReceive(DISCONNECT);
    if (small && !req.destroyed && !req.readableEnded) this.resumeBody();
  }

  private waitForDisconnect(): Promise<HTTPDisconnectEvent> {
    if (this.disconnectWaiter !== null) return this.disconnectWaiter;
    const socket = this.req.socket;
    this.disconnectWaiter = new Promise<HTTPDisconnectEvent>((resolve) => {
      const wake = (): void => {
        socket.off("close", wake);
        this.wakeDisconnectWaiter = null;
        resolve(DISCONNECT);
      };
      this.wakeDisconnectWaiter = wake;
      socket.on("close", wake);
    });
    return this.disconnectWaiter;
  }

  private rejectOversizedBody(): HTTPDisconnectEvent {
    this.owner.log.debug(`request body exceeds limitRequestBody (${this.owner.limitRequestBody ?? 0} bytes); answering 413`);
    if (this.phase === IDLE || this.phase === HELD) {
      this.respondPlain(413, "Request body too large\n");
    } else {
      this.abort();
    }
    this.answeredByServer = true;
    return DISCONNECT;
  }

  private rejectStalledBody(): HTTPDisconnectEvent {
    this.owner.log.warning(`request body of ${this.requestLine()} stalled for ${(this.owner.timeoutBodyMs ?? 0) / 1000} s (timeoutBody); answering 408`);
    if (this.phase === IDLE || this.phase === HELD) {
      this.respondPlain(408, "Request Timeout: the request body stalled\n");
    } else {
      this.abort();
    }
    this.answeredByServer = true;
    return DISCONNECT;
  }

  // ---------------------------------------------------------------- send

  private doSend(event: SendEvent): Promise<void> {
    switch (event.type) {
      case "http.response.start":
        return this.start(event);
      case "http.response.body":
        return this.body(event);
      case "http.response.trailers":
        return this.trailers(event);
      case "http.response.pathsend":
        return this.pathsend(event);
      case "http.response.early_hint":
        return this.earlyHint(event);
      default:
        return Promise.reject(
          new ProtocolError(
            "http-send-event",
            `"${String((event as { type?: unknown }).type)}" is not an event this server accepts on an http connection`,
            event,
          ),
        );
    }
  }

  private start(event: HTTPResponseStartEvent): Promise<void> {
    if (this.phase !== IDLE) return this.refuse(event, "response-start-once", "http.response.start was already sent for this request");
    const status = event.status;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      return Promise.reject(new ProtocolError("response-status", `http.response.start status must be an integer from 200 to 599 (got ${String(status)})`, event));
    }
    const headers = event.headers ?? NO_HEADERS;
    if (!Array.isArray(headers)) return Promise.reject(new ProtocolError("response-headers", "http.response.start headers must be an array of [name, value] pairs", event));
    let declared = -1;
    let appFramed = false;
    for (let i = 0; i < headers.length; i++) {
      const header = headers[i];
      if (!Array.isArray(header) || typeof header[0] !== "string" || typeof header[1] !== "string") {
        return Promise.reject(new ProtocolError("response-headers", `response header #${i} must be a [name, value] pair of byte strings`, event));
      }
      const name = header[0];
      if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
        appFramed = true;
      } else if (name.length === 14 && name.toLowerCase() === "content-length") {
        const value = header[1].trim();
        if (!/^\d{1,15}$/.test(value)) return Promise.reject(new ProtocolError("response-content-length", `content-length "${value}" is not a non-negative integer`, event));
        declared = Number(value);
      }
    }
    this.status = status;
    this.headers = headers;
    this.declaredLength = declared;
    this.appFramed = appFramed;
    this.wantsTrailers = event.trailers === true;
    this.phase = HELD;
    return RESOLVED;
  }

  private body(event: HTTPResponseBodyEvent): Promise<void> {
    const body = event.body ?? EMPTY_BODY;
    const phase = this.phase;
    if (phase !== HELD && phase !== STREAMING) {
      if (phase === IDLE) return Promise.reject(new ProtocolError("response-start-first", "http.response.body sent before http.response.start", event));
      return this.refuse(event, "response-complete", "http.response.body sent after the response was complete");
    }
    if (!(body instanceof Uint8Array)) return Promise.reject(new ProtocolError("response-body-bytes", "http.response.body body must be a Uint8Array", event));
    if (this.isGone()) return this.disconnected("http.response.body");
    const more = event.more_body === true;
    try {
      if (phase === HELD) {
        if (!more && !this.wantsTrailers) return this.sendWhole(body);
        this.writeHead(this.headers);
        this.phase = STREAMING;
      }
      return this.writeChunk(body, more);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * The way in of `sendTextBody(send, text)` (offered on this cycle's `send`): the last body
   * message as a string. A whole response body of ASCII text up to `TEXT_BODY_MAX` is written as
   * the string itself, joined to the head by Node, with no bytes made; anything else (other
   * text, a body already streaming, trailers announced) goes the ordinary way as UTF-8 bytes.
   */
  sendTextBody(text: string): Promise<void> {
    if (this.phase !== HELD || this.wantsTrailers || !isWritableAsLatin1(text)) {
      return this.body({ type: "http.response.body", body: Buffer.from(text, "utf8"), more_body: false });
    }
    if (this.isGone()) return this.disconnected("http.response.body");
    try {
      return this.sendWholeText(text);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Fast path: the whole body in one message, written with the head in one go. */
  private sendWhole(body: Uint8Array): Promise<void> {
    this.writeWholeHead(body.length);
    endWithHeadAndBody(this.res, body);
    this.complete();
    return RESOLVED;
  }

  /** Like `sendWhole`, for a body given as a string whose characters are its bytes (see `isWritableAsLatin1`). */
  private sendWholeText(text: string): Promise<void> {
    this.writeWholeHead(text.length);
    this.res.end(text, "latin1");
    this.complete();
    return RESOLVED;
  }

  /** Writes the head of a response whose whole body (`length` bytes) is known, adding Content-Length when the app gave none. */
  private writeWholeHead(length: number): void {
    let headers = this.headers;
    if (this.bodyAllowed()) {
      const declared = this.declaredLength;
      if (declared === -1) {
        if (this.scope.method !== "HEAD" && !this.appFramed) {
          headers = headers.slice();
          headers.push(["content-length", String(length)]);
        }
      } else if (declared !== length) {
        throw new ProtocolError("content-length-mismatch", `the body has ${length} bytes but content-length declares ${declared}`);
      }
    }
    this.writeHead(headers);
    this.sentBytes = length;
  }

  private writeChunk(body: Uint8Array, more: boolean): Promise<void> {
    const length = body.length;
    this.sentBytes += length;
    const declared = this.declaredLength;
    if (declared !== -1 && this.bodyAllowed()) {
      if (this.sentBytes > declared) {
        this.abort();
        throw new ProtocolError("content-length-mismatch", `the body exceeds the declared content-length of ${declared} bytes`);
      }
      if (!more && !this.wantsTrailers && this.sentBytes < declared) {
        if (length > 0) this.res.write(body);
        this.abort();
        throw new ProtocolError("content-length-mismatch", `the body ended after ${this.sentBytes} bytes but content-length declares ${declared}`);
      }
    }
    if (!more) {
      if (this.wantsTrailers) {
        this.phase = AWAITING_TRAILERS;
        if (length > 0 && !this.res.write(body)) return this.waitForDrain();
        return RESOLVED;
      }
      endWithBody(this.res, body);
      this.complete();
      return RESOLVED;
    }
    if (length > 0 && !this.res.write(body)) return this.waitForDrain();
    return RESOLVED;
  }

  private trailers(event: HTTPResponseTrailersEvent): Promise<void> {
    if (this.phase !== AWAITING_TRAILERS) {
      if (this.phase === COMPLETE) return this.refuse(event, "response-complete", "http.response.trailers sent after the response was complete");
      const why = this.wantsTrailers ? "before the last http.response.body (more_body: false)" : "but http.response.start did not set trailers: true";
      return Promise.reject(new ProtocolError("trailers-order", `http.response.trailers sent ${why}`, event));
    }
    if (this.isGone()) return this.disconnected("http.response.trailers");
    const list = (this.trailerList ??= []);
    for (const header of event.headers ?? NO_HEADERS) list.push(header);
    if (event.more_trailers === true) return RESOLVED;
    const declared = this.declaredLength;
    if (declared !== -1 && this.bodyAllowed() && this.sentBytes !== declared) {
      this.abort();
      return Promise.reject(new ProtocolError("content-length-mismatch", `the body ended after ${this.sentBytes} bytes but content-length declares ${declared}`));
    }
    try {
      if (this.trailersAllowed && this.res.chunkedEncoding && list.length > 0) this.res.addTrailers(list);
    } catch (error) {
      this.abort();
      return Promise.reject(new ProtocolError("response-trailers", `invalid trailer: ${(error as Error).message}`, event, { cause: error }));
    }
    this.res.end();
    this.complete();
    return RESOLVED;
  }

  private earlyHint(event: HTTPResponseEarlyHintEvent): Promise<void> {
    if (this.phase !== IDLE && this.phase !== HELD) return this.refuse(event, "early-hint-order", "http.response.early_hint sent after the response head was written");
    const links = event.links as unknown;
    if (!Array.isArray(links) || !links.every((link) => typeof link === "string")) {
      return Promise.reject(new ProtocolError("early-hint-links", "http.response.early_hint links must be an array of byte strings", event));
    }
    if (this.isGone()) return this.disconnected("http.response.early_hint");
    if (this.scope.http_version === "1.0" || links.length === 0) return RESOLVED;
    try {
      this.res.writeEarlyHints({ link: links });
    } catch (error) {
      return Promise.reject(new ProtocolError("early-hint-links", `invalid early hint: ${(error as Error).message}`, event, { cause: error }));
    }
    return RESOLVED;
  }

  private pathsend(event: HTTPResponsePathsendEvent): Promise<void> {
    if (this.phase !== HELD) {
      if (this.phase === IDLE) return Promise.reject(new ProtocolError("response-start-first", "http.response.pathsend sent before http.response.start", event));
      return this.refuse(event, "pathsend-order", "http.response.pathsend must replace every http.response.body message");
    }
    if (typeof event.path !== "string" || !isAbsolute(event.path)) {
      return Promise.reject(new ProtocolError("pathsend-path", `http.response.pathsend path must be an absolute file path (got ${JSON.stringify(event.path)})`, event));
    }
    if (this.isGone()) return this.disconnected("http.response.pathsend");
    return this.streamFile(event.path);
  }

  private async streamFile(path: string): Promise<void> {
    const fd = await openForReading(path);
    try {
      await this.sendOpenFile(path, fd);
    } finally {
      closeQuietly(fd);
    }
  }

  private async sendOpenFile(path: string, fd: number): Promise<void> {
    const stat = await statOfDescriptor(fd);
    if (!stat.isFile()) throw new ProtocolError("pathsend-path", `http.response.pathsend path ${JSON.stringify(path)} is not a regular file`);
    const size = stat.size;
    let headers = this.headers;
    if (this.status !== 204 && this.status !== 304) {
      // HEAD gets the content-length a GET would have had.
      if (this.declaredLength === -1) {
        headers = headers.slice();
        headers.push(["content-length", String(size)]);
      } else if (this.declaredLength !== size && this.bodyAllowed()) {
        throw new ProtocolError("content-length-mismatch", `the file has ${size} bytes but content-length declares ${this.declaredLength}`);
      }
    }
    if (this.isGone()) throw new ClientDisconnected("the client disconnected before http.response.pathsend");
    this.writeHead(headers);
    this.phase = STREAMING;
    if (!this.bodyAllowed() || size === 0) {
      this.res.end();
      this.complete();
      return;
    }
    this.sentBytes = size;
    const stopWatching = this.watchForStalledReader();
    try {
      await sendFileBody(fd, size, this.res);
      this.res.end();
    } catch (error) {
      this.complete();
      if (this.isGone()) throw new ClientDisconnected("the client disconnected during http.response.pathsend", { cause: error });
      this.abort();
      throw error;
    } finally {
      stopWatching();
    }
    this.complete();
  }

  /**
   * Closes the connection when nothing leaves the socket for `timeoutSendMs` (a client that
   * stopped reading). Returns the function that stops watching.
   */
  private watchForStalledReader(): () => void {
    const limit = this.owner.timeoutSendMs;
    if (limit === null) return NOOP;
    const socket = this.req.socket;
    let written = socket.bytesWritten;
    let stalledFor = 0;
    const step = Math.max(1, Math.min(limit, 1000));
    const timer = setInterval(() => {
      if (socket.bytesWritten !== written) {
        written = socket.bytesWritten;
        stalledFor = 0;
        return;
      }
      stalledFor += step;
      if (stalledFor >= limit) this.closeStalled(timer);
    }, step);
    timer.unref();
    return () => clearInterval(timer);
  }

  private closeStalled(timer?: NodeJS.Timeout): void {
    if (timer !== undefined) clearInterval(timer);
    this.owner.log.warning(`client stopped reading the response to ${this.requestLine()} for ${(this.owner.timeoutSendMs ?? 0) / 1000} s (timeoutSend); closing the connection`);
    this.req.socket.destroy();
  }

  // ---------------------------------------------------------------- response plumbing

  private bodyAllowed(): boolean {
    const status = this.status;
    return status !== 204 && status !== 304 && this.scope.method !== "HEAD";
  }

  private writeHead(headers: Headers): void {
    const res = this.res;
    // End the connection after this response when shutting down, when the client still waits
    // for 100 Continue (its body may or may not follow), or when a large part of the request
    // body is unread (draining it just to reuse the connection would read it all).
    if (this.owner.closing || this.continuePending || (!this.bodyDone && !this.req.complete && this.unreadBodyIsLarge())) res.shouldKeepAlive = false;
    try {
      res.writeHead(this.status, headers);
    } catch (error) {
      throw new ProtocolError("response-headers", `invalid response head: ${(error as Error).message}`, headers, { cause: error });
    }
  }

  private unreadBodyIsLarge(): boolean {
    return this.requestLength === -1 || this.requestLength - this.bodyBytes > UNREAD_BODY_DRAIN_LIMIT;
  }

  private waitForDrain(): Promise<void> {
    const res = this.res;
    const socket = this.req.socket;
    const limit = this.owner.timeoutSendMs;
    return new Promise<void>((resolve, reject) => {
      const timer = limit === null ? undefined : setTimeout(() => this.closeStalled(), limit);
      const onDrain = (): void => {
        clearTimeout(timer);
        socket.off("close", onClose);
        resolve();
      };
      const onClose = (): void => {
        clearTimeout(timer);
        res.off("drain", onDrain);
        reject(new ClientDisconnected("the client disconnected while the response was being sent"));
      };
      res.once("drain", onDrain);
      socket.once("close", onClose);
    });
  }

  private refuse(event: SendEvent, rule: string, message: string): Promise<void> {
    if (this.isGone()) return this.disconnected(event.type);
    return Promise.reject(new ProtocolError(rule, message, event));
  }

  private disconnected(what: string): Promise<void> {
    this.complete();
    return Promise.reject(new ClientDisconnected(`the client disconnected; ${what} was not sent`));
  }

  /** Marks the response complete: writes the access line and wakes a pending `receive()`. */
  private complete(): void {
    if (this.phase === COMPLETE) return;
    this.phase = COMPLETE;
    if (this.reading && !this.bodyDone) this.releaseUnreadBody();
    else this.stopReading();
    if (this.owner.log.accessEnabled) this.owner.responseFinished(this);
    const wake = this.wakeDisconnectWaiter;
    if (wake !== null) wake();
  }

  /**
   * Ends the connection without finishing the response, so the client sees it truncated
   * (missing bytes or chunk terminator). What was already written is flushed first.
   */
  abort(): void {
    this.complete();
    const socket = this.req.socket;
    if (!socket.destroyed) socket.destroySoon();
  }

  /** Writes a short plain-text response (server-made: 413, 500…) with `Connection: close`. */
  respondPlain(status: number, text: string): void {
    const res = this.res;
    if (res.headersSent || this.isGone()) {
      this.abort();
      return;
    }
    const body = Buffer.from(text, "latin1");
    this.status = status;
    this.sentBytes = body.length;
    res.shouldKeepAlive = false;
    res.writeHead(status, [
      ["content-type", PLAIN_TEXT],
      ["content-length", String(body.length)],
    ]);
    res.end(body);
    this.complete();
  }

  // ---------------------------------------------------------------- app outcome

  /** The app returned normally. */
  appReturned(): void {
    const phase = this.phase;
    if (phase === COMPLETE) return;
    if (this.isGone()) {
      this.complete();
      return;
    }
    if (phase === IDLE || phase === HELD) {
      this.owner.log.error(`app returned without completing the response to ${this.requestLine()}; answering 500 [rule: response-required]`);
      this.respondPlain(500, "Internal Server Error\n");
    } else {
      this.owner.log.error(`app returned before finishing the response to ${this.requestLine()}; closing the connection [rule: response-complete]`);
      this.abort();
    }
  }

  /** The app threw (or rejected) with `error`. */
  appFailed(error: unknown): void {
    if (error instanceof ClientDisconnected && this.isGone()) {
      this.complete();
      return;
    }
    const phase = this.phase;
    if (phase === IDLE || phase === HELD) {
      this.owner.log.error(`exception in app while handling ${this.requestLine()}; answering 500`, error);
      if (this.isGone()) this.complete();
      else this.respondPlain(500, "Internal Server Error\n");
    } else if (phase === COMPLETE) {
      this.owner.log.error(`exception in app after the response to ${this.requestLine()} was complete`, error);
    } else {
      this.owner.log.error(`exception in app while streaming the response to ${this.requestLine()}; closing the connection`, error);
      this.abort();
    }
  }

  /** `METHOD target HTTP/x.y`, for logs. */
  requestLine(): string {
    return `"${this.req.method ?? ""} ${this.req.url ?? ""} HTTP/${this.req.httpVersion}"`;
  }
}

/**
 * Single-message bodies up to this size are handed to Node as a latin-1 string, which Node joins
 * to the head it has not written yet: one plain write of one buffer instead of a two-part
 * `writev`. Latin-1 maps every byte to one character and back, so the bytes are unchanged.
 * Measured on a 13-byte body: a few percent more requests per second; at 1 KiB the gain is
 * gone (the conversion costs what the `writev` saved), at 4 KiB it is a loss.
 */
const JOINED_BODY_MAX = 256;

/** Ends a response whose head was set but not yet written, with its whole body. */
function endWithHeadAndBody(res: ServerResponse, body: Uint8Array): void {
  const length = body.length;
  if (length === 0 || length > JOINED_BODY_MAX) {
    endWithBody(res, body);
    return;
  }
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, length);
  res.end(bytes.toString("latin1"), "latin1");
}

/**
 * Longest text body written as a string. Node joins the string to the head and copies the
 * whole into the socket write: one copy, where bytes would first be made (and small ones turned
 * back into a string to be joined, see `JOINED_BODY_MAX`). For a large body, joining means
 * copying the whole string once more, while bytes go out beside the head without it.
 */
const TEXT_BODY_MAX = 64 * 1024;

/**
 * Whether `text` can be written as latin-1 and mean its UTF-8 bytes: it is pure ASCII (its
 * UTF-8 length equals its length only then) and not longer than `TEXT_BODY_MAX`.
 */
function isWritableAsLatin1(text: string): boolean {
  return text.length <= TEXT_BODY_MAX && Buffer.byteLength(text, "utf8") === text.length;
}

/**
 * Ends the response with `body` as its last bytes. An empty body must not be passed on: Node
 * then sends a bodiless head with one plain write, where an empty buffer costs a gathered
 * write (writev) of three parts (measured: a CORS preflight answered at 35k instead of 46k
 * req/s).
 */
function endWithBody(res: ServerResponse, body: Uint8Array): void {
  if (body.length === 0) res.end();
  else res.end(body);
}
