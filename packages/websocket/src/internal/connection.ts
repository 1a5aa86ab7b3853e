import type { Duplex } from "node:stream";
import type {
  App,
  SendEvent,
  Headers,
  WebSocketAcceptEvent,
  WebSocketCloseEvent,
  WebSocketDisconnectEvent,
  WebSocketHTTPResponseBodyEvent,
  WebSocketHTTPResponseStartEvent,
  WebSocketReceiveEvent,
  WebSocketReceiveEventAny,
  WebSocketScope,
  WebSocketSendEvent,
  WebSocketSendEventAny,
} from "@sluice/core";
import { ClientDisconnected, getHeader, latin1ToUtf8, ProtocolError, utf8ToLatin1, withoutHeader } from "@sluice/core";
import type { WebSocket } from "ws";
import type { ResolvedWebSocketOptions } from "../options.js";
import { responseHead } from "./http-response.js";
import type { KeepaliveTarget } from "./keepalive.js";
import { checkHeaders, closeArguments, messagePayload } from "./validate.js";

/** ws's `verifyClient` callback: `true` completes the upgrade, `false` answers with `status`. */
export type VerifyCallback = (accept: boolean, status?: number, message?: string) => void;

/** What a connection needs from the handler that owns it. */
export interface ConnectionHost {
  readonly options: ResolvedWebSocketOptions;
  /** The keepalive sweep's current tick (a small integer clock). */
  readonly keepaliveTick: number;
  /**
   * Marks `connection` as the one whose upgrade ws is completing right now, with the
   * subprotocol and extra header lines ws's hooks should add to the 101.
   */
  setAccepting(connection: Connection | undefined, subprotocol: string | undefined, headerLines: string[] | undefined): void;
  /** The socket of `connection` is gone. */
  socketClosed(connection: Connection): void;
  /** The app call of a connection has returned or thrown. */
  appSettled(): void;
}

/**
 * - `handshake`: the app has not answered the upgrade yet;
 * - `response`: the app is sending a denial response;
 * - `open`: accepted, messages flow;
 * - `closing`: the app (or shutdown) sent a close frame; waiting for the socket to close;
 * - `rejected`: the handshake was refused (403, 500, 503, denial) and the socket is ending;
 * - `closed`: the socket is gone and the disconnect event is ready.
 */
type State = "handshake" | "response" | "open" | "closing" | "rejected" | "closed";

const ACCEPT_MANAGED = new Set(["upgrade", "connection", "sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions"]);
const RESPONSE_MANAGED = new Set(["transfer-encoding"]);
const kConnection = Symbol("sluice.websocket.connection");
/** ws's send options (ws copies them, so two shared objects do). */
const BINARY = Object.freeze({ binary: true });
const TEXT = Object.freeze({ binary: false });
/**
 * The executor of every pending `receive()` promise: one shared function that hands the
 * resolve function over through `takenResolve`, instead of a new closure (and its context)
 * per call. The promise constructor calls it synchronously, so the hand-over cannot interleave.
 */
let takenResolve: ((event: WebSocketReceiveEventAny) => void) | undefined;
function takeResolve(resolve: (event: WebSocketReceiveEventAny) => void): void {
  takenResolve = resolve;
}
/** One settled promise shared by every `send()` that completes at once (saves an allocation per message). */
const RESOLVED = Promise.resolve();
type TaggedWebSocket = WebSocket & { [kConnection]?: Connection };

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function eventSize(event: WebSocketReceiveEvent): number {
  return event.bytes ? event.bytes.byteLength : (event.text?.length ?? 0);
}

function onMessage(this: TaggedWebSocket, data: Buffer, isBinary: boolean): void {
  this[kConnection]?.messageArrived(data, isBinary);
}

function onClose(this: TaggedWebSocket, code: number, reason: Buffer): void {
  this[kConnection]?.closed(code, reason.toString());
}

function onPong(this: TaggedWebSocket): void {
  this[kConnection]?.pongArrived();
}

function onError(this: TaggedWebSocket, error: Error): void {
  // ws answers every protocol error with a close frame carrying the fitting code, stops
  // reading and later emits 'close' with 1006 (it never sees the peer's reply). Keep the
  // code it sent so the app's websocket.disconnect reports it. Listening also keeps the
  // process alive: an unhandled 'error' would throw.
  this[kConnection]?.protocolError(closeCodeOf(error));
}

/** The close code ws attached to one of its errors (under its internal status-code symbol). */
function closeCodeOf(error: Error): number | undefined {
  for (const key of Object.getOwnPropertySymbols(error)) {
    if (key.description === "status-code") {
      const code = (error as unknown as Record<symbol, unknown>)[key];
      if (typeof code === "number") return code;
    }
  }
  return undefined;
}

/**
 * Header values reach ws as JS strings it writes as UTF-8, so a byte string must be turned
 * into the text whose UTF-8 encoding is those bytes (and must be valid UTF-8 to have one).
 */
function wireValue(value: string, event: unknown): string {
  // eslint-disable-next-line no-control-regex -- plain ASCII needs no conversion
  if (/^[\u0000-\u007f]*$/.test(value)) return value;
  const text = latin1ToUtf8(value);
  if (utf8ToLatin1(text) !== value) {
    throw new ProtocolError("websocket-accept-headers", "websocket.accept header values must be ASCII or UTF-8 bytes", event);
  }
  return text;
}

/** What only the handshake needs; dropped once the app has answered. */
interface Handshake {
  verify: VerifyCallback | undefined;
  subprotocols: readonly string[];
  early: Buffer[] | undefined;
  earlyBytes: number;
  earlyPaused: boolean;
}

type TaggedSocket = Duplex & { [kConnection]?: Connection | undefined };

function onSocketClose(this: TaggedSocket): void {
  this[kConnection]?.socketGone();
}

function onEarlyData(this: TaggedSocket, chunk: Buffer): void {
  this[kConnection]?.earlyData(chunk);
}

function onEarlyEnd(this: TaggedSocket): void {
  // A client that ends its side before the 101 has given up on the handshake.
  this.destroy();
}

/**
 * Connection state that an idle connection does not need: the receive queue (only while the
 * app is behind), extra receive waiters, send waiters, a denial response in progress, the
 * close code of a protocol error and the final disconnect event. Allocated on first use, so
 * the long-lived connection object stays small.
 */
class Extras {
  queue: WebSocketReceiveEvent[] | undefined = undefined;
  queuedBytes = 0;
  moreWaiters: Array<(event: WebSocketReceiveEventAny) => void> | undefined = undefined;
  disconnect: WebSocketDisconnectEvent | undefined = undefined;
  drainWaiters: Set<(error?: Error) => void> | undefined = undefined;
  denial: { status: number; headers: Headers | undefined } | undefined = undefined;
  errorCode: number | undefined = undefined;
}

const CONNECT_DELIVERED = 1;
const PAUSED = 2;
const DISCARDING = 4;
/** A ping went out at `#pingTick` and its pong has not come back. */
const AWAITING_PONG = 8;

/**
 * One WebSocket connection: the app call, its receive/send callables and the socket state.
 * Kept lean on purpose (it lives as long as the connection): rarely used state sits in
 * objects allocated only when needed, booleans share one flags field, socket listeners are
 * shared functions, and keepalive times are sweep ticks (small integers, no heap numbers).
 */
export class Connection implements KeepaliveTarget {
  readonly #host: ConnectionHost;
  readonly #socket: TaggedSocket;
  #handshake: Handshake | undefined;
  #ws: TaggedWebSocket | undefined;
  #state: State = "handshake";
  #flags = 0;
  #waiter: ((event: WebSocketReceiveEventAny) => void) | undefined;
  /** When the last ping went out (or the peer's clock last started afresh), in sweep ticks. */
  #pingTick = 0;
  #extras: Extras | undefined;

  #more(): Extras {
    return (this.#extras ??= new Extras());
  }

  constructor(host: ConnectionHost, scope: WebSocketScope, socket: Duplex, verify: VerifyCallback) {
    this.#host = host;
    this.#socket = socket;
    this.#handshake = { verify, subprotocols: scope.subprotocols, early: undefined, earlyBytes: 0, earlyPaused: false };
    this.#socket[kConnection] = this;
    socket.on("close", onSocketClose);
    // A socket that died before it reached us will not emit 'close' again.
    if (socket.destroyed) {
      queueMicrotask(() => {
        this.socketGone();
      });
    }
    // Read while the app decides, so a client that leaves is noticed (its FIN or reset
    // is only seen by a flowing socket). Bytes that arrive are kept for ws.
    socket.on("data", onEarlyData);
    socket.on("end", onEarlyEnd);
  }

  earlyData(chunk: Buffer): void {
    const handshake = this.#handshake;
    if (this.#state !== "handshake" || handshake === undefined) return;
    (handshake.early ??= []).push(chunk);
    handshake.earlyBytes += chunk.length;
    // A client may not send frames before the 101; stop reading one that insists.
    if (handshake.earlyBytes > 64 * 1024) {
      handshake.earlyPaused = true;
      this.#socket.pause();
    }
  }

  /** Hands the socket back to ws with what was read during the handshake put back in front. */
  #stopEarlyReading(handshake: Handshake): void {
    this.#socket.off("data", onEarlyData);
    this.#socket.off("end", onEarlyEnd);
    if (handshake.early !== undefined) this.#socket.unshift(Buffer.concat(handshake.early));
    handshake.early = undefined;
  }

  /** Calls the app; its outcome decides what happens to a handshake it did not answer. */
  run(app: App, scope: WebSocketScope): void {
    // Bound functions, not closures: a bound function is smaller than a closure and needs
    // no context object, and nothing here keeps a second reference to the callables.
    let result: Promise<void>;
    try {
      result = Promise.resolve(app(scope, this.receive.bind(this), this.send.bind(this)));
    } catch (error) {
      result = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    result.then(this.#appReturned.bind(this), this.#appThrew.bind(this));
  }

  #appReturned(): void {
    this.#appFinished(false, undefined);
  }

  #appThrew(error: unknown): void {
    this.#appFinished(true, error);
  }

  /** The app's `receive` (handed to the app bound to this connection). */
  receive(): Promise<WebSocketReceiveEventAny> {
    if ((this.#flags & CONNECT_DELIVERED) === 0) {
      this.#flags |= CONNECT_DELIVERED;
      return Promise.resolve({ type: "websocket.connect" });
    }
    const extras = this.#extras;
    if (extras !== undefined) {
      const next = extras.queue?.shift();
      if (next !== undefined) {
        this.#dequeued(extras, next);
        return Promise.resolve(next);
      }
      if (extras.disconnect !== undefined) return Promise.resolve(extras.disconnect);
    }
    const promise = new Promise<WebSocketReceiveEventAny>(takeResolve);
    const resolve = takenResolve as (event: WebSocketReceiveEventAny) => void;
    takenResolve = undefined;
    if (this.#waiter === undefined) this.#waiter = resolve;
    else (this.#more().moreWaiters ??= []).push(resolve);
    return promise;
  }

  #takeWaiter(): ((event: WebSocketReceiveEventAny) => void) | undefined {
    const waiter = this.#waiter;
    this.#waiter = this.#extras?.moreWaiters?.shift();
    return waiter;
  }

  /** The app's `send` (handed to the app bound to this connection). */
  send(sent: SendEvent): Promise<void> {
    const event = sent as WebSocketSendEventAny;
    try {
      if (!isObject(sent)) throw new ProtocolError("websocket-event-type", "send() needs an event object", sent);
      switch (event.type) {
        case "websocket.send":
          return this.#sendMessage(event);
        case "websocket.accept":
          this.#accept(event);
          return RESOLVED;
        case "websocket.close":
          this.#close(event);
          return RESOLVED;
        case "websocket.http.response.start":
          this.#startResponse(event);
          return RESOLVED;
        case "websocket.http.response.body":
          return this.#sendResponseBody(event);
        default:
          throw new ProtocolError(
            "websocket-event-type",
            `a websocket app may not send an event of type ${JSON.stringify((event as { type: unknown }).type)}`,
            event,
          );
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #gone(what: string): ClientDisconnected {
    return new ClientDisconnected(`the websocket connection is closed; ${what} was not sent`);
  }

  #sendMessage(event: WebSocketSendEvent): Promise<void> {
    const ws = this.#ws;
    if (this.#state === "handshake" || this.#state === "response") {
      throw new ProtocolError("websocket-send-before-accept", "websocket.send is only allowed after websocket.accept", event);
    }
    const payload = messagePayload(event);
    if (ws === undefined || this.#state !== "open" || ws.readyState !== 1) throw this.#gone("websocket.send");
    const binary = typeof payload !== "string";
    const size = binary ? payload.byteLength : payload.length;
    if (ws.bufferedAmount + size <= this.#host.options.sendHighWaterMark) {
      ws.send(payload, binary ? BINARY : TEXT);
      return RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      const waiters = (this.#more().drainWaiters ??= new Set());
      const settle = (error?: Error): void => {
        waiters.delete(settle);
        if (error === undefined) resolve();
        else reject(this.#gone("websocket.send"));
      };
      waiters.add(settle);
      ws.send(payload, binary ? BINARY : TEXT, (error) => {
        settle(error ?? undefined);
      });
    });
  }

  #accept(event: WebSocketAcceptEvent): void {
    const handshake = this.#handshake;
    if (this.#state !== "handshake" || handshake === undefined) {
      this.#outOfOrder(event, this.#state === "response" ? "websocket-denial-order" : "websocket-accept-once", "websocket.accept is only allowed once, before any other answer");
    }
    const { subprotocol } = event;
    let chosen: string | undefined;
    if (subprotocol !== undefined && subprotocol !== null) {
      if (typeof subprotocol !== "string" || !handshake.subprotocols.includes(subprotocol)) {
        throw new ProtocolError(
          "websocket-subprotocol",
          `websocket.accept subprotocol ${JSON.stringify(subprotocol)} is not one the client offered (${JSON.stringify(handshake.subprotocols)})`,
          event,
        );
      }
      chosen = subprotocol;
    }
    const headers = checkHeaders(event.headers, "websocket-accept-headers", ACCEPT_MANAGED, event);
    const extra = headers.length > 0 ? headers.map(([name, value]) => `${name}: ${wireValue(value, event)}`) : undefined;
    const verify = handshake.verify;
    this.#handshake = undefined;
    this.#stopEarlyReading(handshake);
    this.#host.setAccepting(this, chosen, extra);
    try {
      verify?.(true);
    } finally {
      this.#host.setAccepting(undefined, undefined, undefined);
    }
    // ws destroys the socket instead of upgrading when the client already went away.
    if (this.#ws === undefined) throw this.#gone("websocket.accept");
    if (handshake.earlyPaused) this.#socket.resume();
  }

  /** ws finished the upgrade for this connection. */
  attach(ws: WebSocket): void {
    const tagged = ws as TaggedWebSocket;
    tagged[kConnection] = this;
    this.#ws = tagged;
    this.#state = "open";
    this.#pingTick = this.#host.keepaliveTick;
    // From here on ws's own 'close' event reports the end (socketGone would ignore the
    // socket's), and one listener instead of two keeps the socket's event table small.
    this.#socket.off("close", onSocketClose);
    tagged.on("message", onMessage);
    tagged.on("close", onClose);
    tagged.on("pong", onPong);
    tagged.on("error", onError);
  }

  #close(event: WebSocketCloseEvent): void {
    switch (this.#state) {
      case "handshake":
        this.#reject(403);
        return;
      case "open": {
        const { code, reason } = closeArguments(event);
        this.#startClosing(code, reason);
        return;
      }
      case "response":
        this.#outOfOrder(event, "websocket-denial-order", "websocket.close is not allowed during a denial response");
        return;
      default:
        throw this.#gone("websocket.close");
    }
  }

  #startResponse(event: WebSocketHTTPResponseStartEvent): void {
    if (this.#state !== "handshake") {
      this.#outOfOrder(event, "websocket-denial-order", "websocket.http.response.start is only allowed once, before the handshake is answered");
    }
    const { status } = event;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
      throw new ProtocolError("websocket-response-status", `denial response status ${String(status)} must be an integer from 200 to 599`, event);
    }
    const headers = withoutHeader(checkHeaders(event.headers, "websocket-response-headers", RESPONSE_MANAGED, event), "connection");
    headers.push(["connection", "close"]);
    this.#handshake = undefined;
    this.#state = "response";
    this.#more().denial = { status, headers };
  }

  #sendResponseBody(event: WebSocketHTTPResponseBodyEvent): Promise<void> {
    if (this.#state !== "response") {
      if (this.#state === "closed" || this.#state === "rejected") throw this.#gone("websocket.http.response.body");
      this.#outOfOrder(event, "websocket-denial-order", "websocket.http.response.body needs a websocket.http.response.start first");
    }
    const body = event.body ?? new Uint8Array(0);
    if (!(body instanceof Uint8Array)) {
      throw new ProtocolError("websocket-response-body", "websocket.http.response.body body must be a Uint8Array", event);
    }
    const more = event.more_body === true;
    const socket = this.#socket;
    if (!socket.writable) throw this.#gone("websocket.http.response.body");
    let flushed = true;
    const denial = this.#extras?.denial;
    const headers = denial?.headers;
    if (denial !== undefined && headers !== undefined) {
      denial.headers = undefined;
      if (!more && getHeader(headers, "content-length") === undefined) headers.push(["content-length", String(body.byteLength)]);
      flushed = socket.write(responseHead(denial.status, headers));
    }
    if (body.byteLength > 0) flushed = socket.write(body);
    if (!more) {
      this.#state = "rejected";
      socket.once("finish", () => socket.destroy());
      socket.end();
      return RESOLVED;
    }
    if (flushed) return RESOLVED;
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        socket.off("close", onGone);
        resolve();
      };
      const onGone = (): void => {
        socket.off("drain", onDrain);
        reject(this.#gone("websocket.http.response.body"));
      };
      socket.once("drain", onDrain);
      socket.once("close", onGone);
    });
  }

  #outOfOrder(event: WebSocketSendEventAny, rule: string, message: string): never {
    if (this.#state === "closed" || this.#state === "closing" || this.#state === "rejected") throw this.#gone(event.type);
    throw new ProtocolError(rule, message, event);
  }

  /** Refuses the pending handshake with an HTTP status (ws writes the response). */
  #reject(status: number): void {
    const verify = this.#handshake?.verify;
    this.#handshake = undefined;
    this.#state = "rejected";
    verify?.(false, status);
  }

  #startClosing(code: number, reason: string): void {
    const ws = this.#ws;
    this.#state = "closing";
    // Nothing more goes to the app; keep reading so the peer's close frame is seen.
    this.#flags |= DISCARDING;
    if (ws === undefined) return;
    if ((this.#flags & PAUSED) !== 0) {
      this.#flags &= ~PAUSED;
      ws.resume();
    }
    ws.close(code, reason);
  }

  /** ws delivered a complete message. */
  messageArrived(data: Buffer, isBinary: boolean): void {
    if ((this.#flags & DISCARDING) !== 0) return;
    const event: WebSocketReceiveEvent = isBinary
      ? { type: "websocket.receive", bytes: data }
      : { type: "websocket.receive", text: data.toString() };
    const waiter = this.#takeWaiter();
    if (waiter !== undefined) {
      waiter(event);
      return;
    }
    const extras = this.#more();
    const queue = (extras.queue ??= []);
    queue.push(event);
    extras.queuedBytes += eventSize(event);
    const { receiveQueueMessages, receiveQueueBytes } = this.#host.options;
    if ((this.#flags & PAUSED) === 0 && (queue.length >= receiveQueueMessages || extras.queuedBytes >= receiveQueueBytes)) {
      this.#flags |= PAUSED;
      this.#ws?.pause();
    }
  }

  #dequeued(extras: Extras, event: WebSocketReceiveEvent): void {
    extras.queuedBytes -= eventSize(event);
    if ((this.#flags & PAUSED) === 0) return;
    const { receiveQueueMessages, receiveQueueBytes } = this.#host.options;
    if ((extras.queue?.length ?? 0) <= receiveQueueMessages / 2 && extras.queuedBytes <= receiveQueueBytes / 2) {
      // The peer could not answer pings while we were not reading: start its clock afresh.
      this.#flags &= ~(PAUSED | AWAITING_PONG);
      this.#pingTick = this.#host.keepaliveTick;
      this.#ws?.resume();
    }
  }

  pongArrived(): void {
    this.#flags &= ~AWAITING_PONG;
  }

  keepalive(tick: number, intervalTicks: number, timeoutTicks: number): void {
    const ws = this.#ws;
    if (ws === undefined || this.#state !== "open" || (this.#flags & PAUSED) !== 0) return;
    if ((this.#flags & AWAITING_PONG) !== 0) {
      if (tick - this.#pingTick >= timeoutTicks) ws.terminate();
      return;
    }
    if (tick - this.#pingTick >= intervalTicks) {
      this.#flags |= AWAITING_PONG;
      this.#pingTick = tick;
      ws.ping();
    }
  }

  /** ws reports the connection closed with the peer's `code` and `reason`. */
  closed(code: number, reason: string): void {
    const errorCode = this.#extras?.errorCode;
    if (code === 1006 && errorCode !== undefined) code = errorCode;
    this.#finish({ type: "websocket.disconnect", code, reason });
  }

  /** ws closed the connection because the peer broke the protocol; `code` is what it sent. */
  protocolError(code: number | undefined): void {
    if (code === undefined) return;
    this.#more().errorCode ??= code;
  }

  /** The socket closed. */
  socketGone(): void {
    // Once upgraded, ws's own 'close' carries the real code; before that the drop is abnormal.
    if (this.#ws === undefined) this.#finish({ type: "websocket.disconnect", code: 1006, reason: "" });
  }

  #finish(disconnect: WebSocketDisconnectEvent): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#handshake = undefined;
    this.#socket[kConnection] = undefined;
    const extras = this.#more();
    extras.disconnect ??= disconnect;
    this.#wakeWaiters(extras.disconnect);
    if (extras.drainWaiters !== undefined) {
      for (const settle of [...extras.drainWaiters]) settle(new Error("closed"));
    }
    this.#host.socketClosed(this);
  }

  #appFinished(failed: boolean, error: unknown): void {
    const { logger } = this.#host.options;
    if (failed && !(error instanceof ClientDisconnected)) logger.error("Exception in websocket app", error);
    switch (this.#state) {
      case "handshake":
        if (!failed) logger.error("websocket app returned without answering the handshake (accept, close or a denial response)");
        this.#reject(500);
        break;
      case "response":
        if (!failed) logger.error("websocket app returned before finishing its denial response");
        this.#state = "rejected";
        this.#socket.destroy();
        break;
      case "open":
        this.#startClosing(failed ? 1011 : 1000, "");
        break;
      default:
        break;
    }
    this.#host.appSettled();
  }

  /** Graceful shutdown: closes an open connection with `code`, refuses a pending handshake with 503. */
  shutdown(code: number): void {
    if (this.#state === "handshake") {
      this.#reject(503);
      this.#finishEarly(code);
    } else if (this.#state === "open") {
      this.#startClosing(code, "");
    }
  }

  /** A refused handshake: tell a waiting `receive()` right away, with `code`. */
  #finishEarly(code: number): void {
    const extras = this.#more();
    if (extras.disconnect !== undefined) return;
    extras.disconnect = { type: "websocket.disconnect", code, reason: "" };
    this.#wakeWaiters(extras.disconnect);
  }

  #wakeWaiters(event: WebSocketDisconnectEvent): void {
    for (let waiter = this.#takeWaiter(); waiter !== undefined; waiter = this.#takeWaiter()) waiter(event);
  }

  /** Ends the connection at once (shutdown timeout). */
  terminate(): void {
    if (this.#ws !== undefined) this.#ws.terminate();
    else this.#socket.destroy();
  }
}
