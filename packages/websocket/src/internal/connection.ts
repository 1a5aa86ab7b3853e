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
/**
 * The first event of every connection: one frozen event in one settled promise, shared (a
 * scope's first `receive()` needs no allocation).
 */
const CONNECT: Promise<WebSocketReceiveEventAny> = Promise.resolve(Object.freeze({ type: "websocket.connect" }));
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

/**
 * Connection state that an idle, open connection does not need. Until the app has answered the
 * handshake it holds the handshake's state: the raw socket and its listeners, ws's verify
 * callback, the offered subprotocols, bytes read early, a denial response in progress. Once the
 * connection is open it exists only while needed: the receive queue (while the app is behind),
 * extra receive waiters, send waiters, the close code of a protocol error and the final
 * disconnect event. So the long-lived connection object stays small.
 */
class Aux {
  /** The upgrade socket, until ws has taken it over. */
  socket: Duplex | undefined = undefined;
  onSocketClose: (() => void) | undefined = undefined;
  onEarlyData: ((chunk: Buffer) => void) | undefined = undefined;
  verify: VerifyCallback | undefined = undefined;
  subprotocols: readonly string[] | undefined = undefined;
  early: Buffer[] | undefined = undefined;
  earlyBytes = 0;
  earlyPaused = false;
  denial: { status: number; headers: Headers | undefined } | undefined = undefined;
  queue: WebSocketReceiveEvent[] | undefined = undefined;
  queuedBytes = 0;
  moreWaiters: Array<(event: WebSocketReceiveEventAny) => void> | undefined = undefined;
  disconnect: WebSocketDisconnectEvent | undefined = undefined;
  drainWaiters: Set<(error?: Error) => void> | undefined = undefined;
  errorCode: number | undefined = undefined;

  /** Whether anything but handshake state is in use. */
  inUse(): boolean {
    return (
      this.queue !== undefined ||
      this.queuedBytes !== 0 ||
      this.moreWaiters !== undefined ||
      this.disconnect !== undefined ||
      this.drainWaiters !== undefined ||
      this.errorCode !== undefined
    );
  }
}

/**
 * Handshakes whose early reading waits until the app has had its first turn. Most apps answer
 * the handshake at once (the continuation after their first `await receive()`), and then ws
 * reads the socket itself; only the others start early reading. One queued job serves every
 * connection started before it runs.
 */
const earlyReaders: Array<Connection | undefined> = [];
let earlyReaderCount = 0;

function readEarlyLater(connection: Connection): void {
  earlyReaders[earlyReaderCount++] = connection;
  if (earlyReaderCount === 1) void RESOLVED.then(startEarlyReaders);
}

function startEarlyReaders(): void {
  for (let i = 0; i < earlyReaderCount; i++) {
    const connection = earlyReaders[i];
    earlyReaders[i] = undefined;
    try {
      connection?.startEarlyReading();
    } catch {
      // Not expected (it only adds listeners), but never leave the queue stuck.
      connection?.terminate();
    }
  }
  earlyReaderCount = 0;
}

function onEarlyEnd(this: Duplex): void {
  // A client that ends its side before the 101 has given up on the handshake.
  this.destroy();
}

/*
 * The connection's state and flags share one small integer: the state in the low bits.
 * - HANDSHAKE: the app has not answered the upgrade yet;
 * - RESPONSE: the app is sending a denial response;
 * - OPEN: accepted, messages flow;
 * - CLOSING: the app (or shutdown) sent a close frame; waiting for the socket to close;
 * - REJECTED: the handshake was refused (403, 500, 503, denial) and the socket is ending;
 * - CLOSED: the socket is gone and the disconnect event is ready.
 */
const HANDSHAKE = 0;
const RESPONSE = 1;
const OPEN = 2;
const CLOSING = 3;
const REJECTED = 4;
const CLOSED = 5;
const STATE = 7;
const CONNECT_DELIVERED = 8;
const PAUSED = 16;
const DISCARDING = 32;
/** A ping went out at `#pingTick` and its pong has not come back. */
const AWAITING_PONG = 64;

/**
 * One WebSocket connection: the app call, its receive/send callables and the socket state.
 * Kept lean on purpose (it lives as long as the connection): rarely used state sits in an
 * object allocated only when needed, the state and the booleans share one integer field,
 * ws listeners are shared functions, and keepalive times are sweep ticks (small integers, no
 * heap numbers). Methods are TypeScript-private rather than `#`-private: V8 gives every
 * instance of a class with `#` methods an extra field for the brand check.
 */
export class Connection implements KeepaliveTarget {
  readonly #host: ConnectionHost;
  #ws: TaggedWebSocket | undefined;
  #bits = HANDSHAKE;
  #waiter: ((event: WebSocketReceiveEventAny) => void) | undefined;
  /** When the last ping went out (or the peer's clock last started afresh), in sweep ticks. */
  #pingTick = 0;
  #aux: Aux | undefined;
  /** The app call's promise, until it settles. */
  #app: Promise<void> | undefined;

  private get state(): number {
    return this.#bits & STATE;
  }

  private set state(state: number) {
    this.#bits = (this.#bits & ~STATE) | state;
  }

  private more(): Aux {
    return (this.#aux ??= new Aux());
  }

  constructor(host: ConnectionHost, scope: WebSocketScope, socket: Duplex, verify: VerifyCallback) {
    this.#host = host;
    const aux = new Aux();
    this.#aux = aux;
    aux.socket = socket;
    aux.verify = verify;
    aux.subprotocols = scope.subprotocols;
    // A listener bound to this connection, only for the handshake (removed once ws takes over).
    aux.onSocketClose = this.socketGone.bind(this);
    socket.on("close", aux.onSocketClose);
    // A socket that died before it reached us will not emit 'close' again.
    if (socket.destroyed) {
      queueMicrotask(() => {
        this.socketGone();
      });
    }
  }

  /**
   * Reads while the app decides, so a client that leaves is noticed (its FIN or reset is only
   * seen by a flowing socket). Bytes that arrive are kept for ws. Called once the app has had
   * its first turn, and only for a handshake the app has not answered by then.
   */
  startEarlyReading(): void {
    const handshake = this.handshake();
    const socket = handshake?.socket;
    if (handshake === undefined || socket === undefined || socket.destroyed || handshake.onEarlyData !== undefined) return;
    handshake.onEarlyData = this.earlyData.bind(this);
    socket.on("data", handshake.onEarlyData);
    socket.on("end", onEarlyEnd);
  }

  /** The handshake state, while the app has not answered it. */
  private handshake(): Aux | undefined {
    const aux = this.#aux;
    return this.state === HANDSHAKE && aux?.verify !== undefined ? aux : undefined;
  }

  private earlyData(chunk: Buffer): void {
    const handshake = this.handshake();
    if (handshake === undefined) return;
    (handshake.early ??= []).push(chunk);
    handshake.earlyBytes += chunk.length;
    // A client may not send frames before the 101; stop reading one that insists.
    if (handshake.earlyBytes > 64 * 1024) {
      handshake.earlyPaused = true;
      handshake.socket?.pause();
    }
  }

  /** Hands the socket back to ws with what was read during the handshake put back in front. */
  private stopEarlyReading(aux: Aux): void {
    const socket = aux.socket;
    if (socket === undefined) return;
    if (aux.onEarlyData !== undefined) socket.off("data", aux.onEarlyData);
    socket.off("end", onEarlyEnd);
    aux.onEarlyData = undefined;
    if (aux.early !== undefined) socket.unshift(Buffer.concat(aux.early));
    aux.early = undefined;
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
    readEarlyLater(this);
    // While the app runs, one bound function waits for either outcome; which one it was is
    // asked of the promise once it has settled (a field is smaller than a second function).
    this.#app = result;
    const settled = this.appSettled.bind(this);
    result.then(settled, settled);
  }

  private appSettled(): void {
    const result = this.#app;
    this.#app = undefined;
    result?.then(this.appReturned.bind(this), this.appThrew.bind(this));
  }

  private appReturned(): void {
    this.appFinished(false, undefined);
  }

  private appThrew(error: unknown): void {
    this.appFinished(true, error);
  }

  /** The app's `receive` (handed to the app bound to this connection). */
  receive(): Promise<WebSocketReceiveEventAny> {
    if ((this.#bits & CONNECT_DELIVERED) === 0) {
      this.#bits |= CONNECT_DELIVERED;
      return CONNECT;
    }
    const aux = this.#aux;
    if (aux !== undefined) {
      const next = aux.queue?.shift();
      if (next !== undefined) {
        this.dequeued(aux, next);
        return Promise.resolve(next);
      }
      if (aux.disconnect !== undefined) return Promise.resolve(aux.disconnect);
    }
    const promise = new Promise<WebSocketReceiveEventAny>(takeResolve);
    const resolve = takenResolve as (event: WebSocketReceiveEventAny) => void;
    takenResolve = undefined;
    if (this.#waiter === undefined) this.#waiter = resolve;
    else (this.more().moreWaiters ??= []).push(resolve);
    return promise;
  }

  private takeWaiter(): ((event: WebSocketReceiveEventAny) => void) | undefined {
    const waiter = this.#waiter;
    const more = this.#aux?.moreWaiters;
    this.#waiter = more?.shift();
    if (more !== undefined && more.length === 0) (this.#aux as Aux).moreWaiters = undefined;
    return waiter;
  }

  /** The app's `send` (handed to the app bound to this connection). */
  send(sent: SendEvent): Promise<void> {
    const event = sent as WebSocketSendEventAny;
    try {
      if (!isObject(sent)) throw new ProtocolError("websocket-event-type", "send() needs an event object", sent);
      switch (event.type) {
        case "websocket.send":
          return this.sendMessage(event);
        case "websocket.accept":
          this.accept(event);
          return RESOLVED;
        case "websocket.close":
          this.close(event);
          return RESOLVED;
        case "websocket.http.response.start":
          this.startResponse(event);
          return RESOLVED;
        case "websocket.http.response.body":
          return this.sendResponseBody(event);
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

  private gone(what: string): ClientDisconnected {
    return new ClientDisconnected(`the websocket connection is closed; ${what} was not sent`);
  }

  private sendMessage(event: WebSocketSendEvent): Promise<void> {
    const ws = this.#ws;
    const state = this.state;
    if (state === HANDSHAKE || state === RESPONSE) {
      throw new ProtocolError("websocket-send-before-accept", "websocket.send is only allowed after websocket.accept", event);
    }
    const payload = messagePayload(event);
    if (ws === undefined || state !== OPEN || ws.readyState !== 1) throw this.gone("websocket.send");
    const binary = typeof payload !== "string";
    const size = binary ? payload.byteLength : payload.length;
    if (ws.bufferedAmount + size <= this.#host.options.sendHighWaterMark) {
      ws.send(payload, binary ? BINARY : TEXT);
      return RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      const waiters = (this.more().drainWaiters ??= new Set());
      const settle = (error?: Error): void => {
        waiters.delete(settle);
        if (error === undefined) resolve();
        else reject(this.gone("websocket.send"));
      };
      waiters.add(settle);
      ws.send(payload, binary ? BINARY : TEXT, (error) => {
        settle(error ?? undefined);
      });
    });
  }

  private accept(event: WebSocketAcceptEvent): void {
    const handshake = this.handshake();
    if (handshake === undefined) {
      this.outOfOrder(event, this.state === RESPONSE ? "websocket-denial-order" : "websocket-accept-once", "websocket.accept is only allowed once, before any other answer");
    }
    const { subprotocol } = event;
    const offered = handshake.subprotocols ?? [];
    let chosen: string | undefined;
    if (subprotocol !== undefined && subprotocol !== null) {
      if (typeof subprotocol !== "string" || !offered.includes(subprotocol)) {
        throw new ProtocolError(
          "websocket-subprotocol",
          `websocket.accept subprotocol ${JSON.stringify(subprotocol)} is not one the client offered (${JSON.stringify(offered)})`,
          event,
        );
      }
      chosen = subprotocol;
    }
    let extra: string[] | undefined;
    // Typed as optional, but an app may send anything: checkHeaders also rejects null and junk.
    const given = event.headers as unknown;
    if (given !== undefined && given !== null) {
      const headers = checkHeaders(given, "websocket-accept-headers", ACCEPT_MANAGED, event);
      if (headers.length > 0) extra = headers.map(([name, value]) => `${name}: ${wireValue(value, event)}`);
    }
    const verify = handshake.verify;
    handshake.verify = undefined;
    handshake.subprotocols = undefined;
    this.stopEarlyReading(handshake);
    // ws adds its own socket listeners while it upgrades. Ours go first, so that ws does not
    // find a second listener on 'close' (Node then keeps the listeners in an array) only for
    // ours to be removed right after; they come back if the upgrade does not happen.
    const { socket, onSocketClose } = handshake;
    if (socket !== undefined && onSocketClose !== undefined) socket.off("close", onSocketClose);
    this.#host.setAccepting(this, chosen, extra);
    try {
      verify?.(true);
    } finally {
      this.#host.setAccepting(undefined, undefined, undefined);
      if (this.#ws === undefined && socket !== undefined && onSocketClose !== undefined) socket.on("close", onSocketClose);
    }
    // ws destroys the socket instead of upgrading when the client already went away.
    if (this.#ws === undefined) throw this.gone("websocket.accept");
  }

  /** ws finished the upgrade for this connection. */
  attach(ws: WebSocket): void {
    const tagged = ws as TaggedWebSocket;
    tagged[kConnection] = this;
    this.#ws = tagged;
    this.state = OPEN;
    this.#pingTick = this.#host.keepaliveTick;
    // From here on ws's own 'close' event reports the end and ws owns the socket: drop the
    // handshake state (and the whole aux object when nothing else in it is in use).
    const aux = this.#aux;
    if (aux !== undefined) {
      const socket = aux.socket;
      if (socket !== undefined) {
        if (aux.onSocketClose !== undefined) socket.off("close", aux.onSocketClose);
        if (aux.earlyPaused) socket.resume();
      }
      aux.socket = undefined;
      aux.onSocketClose = undefined;
      aux.onEarlyData = undefined;
      aux.verify = undefined;
      aux.subprotocols = undefined;
      aux.early = undefined;
      aux.earlyPaused = false;
      aux.earlyBytes = 0;
      if (!aux.inUse()) this.#aux = undefined;
    }
    tagged.on("message", onMessage);
    tagged.on("close", onClose);
    tagged.on("pong", onPong);
    tagged.on("error", onError);
  }

  private close(event: WebSocketCloseEvent): void {
    switch (this.state) {
      case HANDSHAKE:
        this.reject(403);
        return;
      case OPEN: {
        const { code, reason } = closeArguments(event);
        this.startClosing(code, reason);
        return;
      }
      case RESPONSE:
        this.outOfOrder(event, "websocket-denial-order", "websocket.close is not allowed during a denial response");
        return;
      default:
        throw this.gone("websocket.close");
    }
  }

  private startResponse(event: WebSocketHTTPResponseStartEvent): void {
    if (this.state !== HANDSHAKE) {
      this.outOfOrder(event, "websocket-denial-order", "websocket.http.response.start is only allowed once, before the handshake is answered");
    }
    const { status } = event;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
      throw new ProtocolError("websocket-response-status", `denial response status ${String(status)} must be an integer from 200 to 599`, event);
    }
    const headers = withoutHeader(checkHeaders(event.headers, "websocket-response-headers", RESPONSE_MANAGED, event), "connection");
    headers.push(["connection", "close"]);
    const aux = this.more();
    aux.verify = undefined;
    aux.subprotocols = undefined;
    this.state = RESPONSE;
    aux.denial = { status, headers };
  }

  private sendResponseBody(event: WebSocketHTTPResponseBodyEvent): Promise<void> {
    const state = this.state;
    if (state !== RESPONSE) {
      if (state === CLOSED || state === REJECTED) throw this.gone("websocket.http.response.body");
      this.outOfOrder(event, "websocket-denial-order", "websocket.http.response.body needs a websocket.http.response.start first");
    }
    const body = event.body ?? new Uint8Array(0);
    if (!(body instanceof Uint8Array)) {
      throw new ProtocolError("websocket-response-body", "websocket.http.response.body body must be a Uint8Array", event);
    }
    const more = event.more_body === true;
    const socket = this.#aux?.socket;
    if (socket === undefined || !socket.writable) throw this.gone("websocket.http.response.body");
    let flushed = true;
    const denial = this.#aux?.denial;
    const headers = denial?.headers;
    if (denial !== undefined && headers !== undefined) {
      denial.headers = undefined;
      if (!more && getHeader(headers, "content-length") === undefined) headers.push(["content-length", String(body.byteLength)]);
      flushed = socket.write(responseHead(denial.status, headers));
    }
    if (body.byteLength > 0) flushed = socket.write(body);
    if (!more) {
      this.state = REJECTED;
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
        reject(this.gone("websocket.http.response.body"));
      };
      socket.once("drain", onDrain);
      socket.once("close", onGone);
    });
  }

  private outOfOrder(event: WebSocketSendEventAny, rule: string, message: string): never {
    const state = this.state;
    if (state === CLOSED || state === CLOSING || state === REJECTED) throw this.gone(event.type);
    throw new ProtocolError(rule, message, event);
  }

  /** Refuses the pending handshake with an HTTP status (ws writes the response). */
  private reject(status: number): void {
    const handshake = this.handshake();
    const verify = handshake?.verify;
    if (handshake !== undefined) {
      handshake.verify = undefined;
      handshake.subprotocols = undefined;
    }
    this.state = REJECTED;
    verify?.(false, status);
  }

  private startClosing(code: number, reason: string): void {
    const ws = this.#ws;
    this.state = CLOSING;
    // Nothing more goes to the app; keep reading so the peer's close frame is seen.
    this.#bits |= DISCARDING;
    if (ws === undefined) return;
    if ((this.#bits & PAUSED) !== 0) {
      this.#bits &= ~PAUSED;
      ws.resume();
    }
    ws.close(code, reason);
  }

  /** ws delivered a complete message. */
  messageArrived(data: Buffer, isBinary: boolean): void {
    if ((this.#bits & DISCARDING) !== 0) return;
    const event: WebSocketReceiveEvent = isBinary
      ? { type: "websocket.receive", bytes: data }
      : { type: "websocket.receive", text: data.toString() };
    const waiter = this.takeWaiter();
    if (waiter !== undefined) {
      waiter(event);
      return;
    }
    const aux = this.more();
    const queue = (aux.queue ??= []);
    queue.push(event);
    aux.queuedBytes += eventSize(event);
    const { receiveQueueMessages, receiveQueueBytes } = this.#host.options;
    if ((this.#bits & PAUSED) === 0 && (queue.length >= receiveQueueMessages || aux.queuedBytes >= receiveQueueBytes)) {
      this.#bits |= PAUSED;
      this.#ws?.pause();
    }
  }

  private dequeued(aux: Aux, event: WebSocketReceiveEvent): void {
    aux.queuedBytes -= eventSize(event);
    if ((this.#bits & PAUSED) === 0) return;
    const { receiveQueueMessages, receiveQueueBytes } = this.#host.options;
    if ((aux.queue?.length ?? 0) <= receiveQueueMessages / 2 && aux.queuedBytes <= receiveQueueBytes / 2) {
      // The peer could not answer pings while we were not reading: start its clock afresh.
      this.#bits &= ~(PAUSED | AWAITING_PONG);
      this.#pingTick = this.#host.keepaliveTick;
      this.#ws?.resume();
    }
  }

  pongArrived(): void {
    this.#bits &= ~AWAITING_PONG;
  }

  keepalive(tick: number, intervalTicks: number, timeoutTicks: number): void {
    const ws = this.#ws;
    if (ws === undefined || this.state !== OPEN || (this.#bits & PAUSED) !== 0) return;
    if ((this.#bits & AWAITING_PONG) !== 0) {
      if (tick - this.#pingTick >= timeoutTicks) ws.terminate();
      return;
    }
    if (tick - this.#pingTick >= intervalTicks) {
      this.#bits |= AWAITING_PONG;
      this.#pingTick = tick;
      ws.ping();
    }
  }

  /** ws reports the connection closed with the peer's `code` and `reason`. */
  closed(code: number, reason: string): void {
    const errorCode = this.#aux?.errorCode;
    if (code === 1006 && errorCode !== undefined) code = errorCode;
    this.finish({ type: "websocket.disconnect", code, reason });
  }

  /** ws closed the connection because the peer broke the protocol; `code` is what it sent. */
  protocolError(code: number | undefined): void {
    if (code === undefined) return;
    this.more().errorCode ??= code;
  }

  /** The upgrade socket closed (its listener is only there until ws takes the socket over). */
  private socketGone(): void {
    // Once upgraded, ws's own 'close' carries the real code; before that the drop is abnormal.
    if (this.#ws === undefined) this.finish({ type: "websocket.disconnect", code: 1006, reason: "" });
  }

  private finish(disconnect: WebSocketDisconnectEvent): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    const aux = this.more();
    aux.verify = undefined;
    aux.subprotocols = undefined;
    aux.disconnect ??= disconnect;
    this.wakeWaiters(aux.disconnect);
    if (aux.drainWaiters !== undefined) {
      for (const settle of [...aux.drainWaiters]) settle(new Error("closed"));
    }
    this.#host.socketClosed(this);
  }

  private appFinished(failed: boolean, error: unknown): void {
    const { logger } = this.#host.options;
    if (failed && !(error instanceof ClientDisconnected)) logger.error("Exception in websocket app", error);
    switch (this.state) {
      case HANDSHAKE:
        if (!failed) logger.error("websocket app returned without answering the handshake (accept, close or a denial response)");
        this.reject(500);
        break;
      case RESPONSE:
        if (!failed) logger.error("websocket app returned before finishing its denial response");
        this.state = REJECTED;
        this.#aux?.socket?.destroy();
        break;
      case OPEN:
        this.startClosing(failed ? 1011 : 1000, "");
        break;
      default:
        break;
    }
    this.#host.appSettled();
  }

  /** Graceful shutdown: closes an open connection with `code`, refuses a pending handshake with 503. */
  shutdown(code: number): void {
    const state = this.state;
    if (state === HANDSHAKE) {
      this.reject(503);
      this.finishEarly(code);
    } else if (state === OPEN) {
      this.startClosing(code, "");
    }
  }

  /** A refused handshake: tell a waiting `receive()` right away, with `code`. */
  private finishEarly(code: number): void {
    const aux = this.more();
    if (aux.disconnect !== undefined) return;
    aux.disconnect = { type: "websocket.disconnect", code, reason: "" };
    this.wakeWaiters(aux.disconnect);
  }

  private wakeWaiters(event: WebSocketDisconnectEvent): void {
    for (let waiter = this.takeWaiter(); waiter !== undefined; waiter = this.takeWaiter()) waiter(event);
  }

  /** Ends the connection at once (shutdown timeout). */
  terminate(): void {
    if (this.#ws !== undefined) this.#ws.terminate();
    else this.#aux?.socket?.destroy();
  }
}
