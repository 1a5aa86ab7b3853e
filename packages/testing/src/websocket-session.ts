import type { Headers, WebSocketReceiveEventAny, WebSocketSendEvent } from "@sluice/core";
import { UnexpectedEventError, WebSocketClosed } from "./errors.js";
import type { AppConnection } from "./internal/app-connection.js";
import type { AsyncQueue } from "./internal/async-queue.js";

/** @internal Who closed the connection with which code; shared with the connection's disconnect event. */
export interface CloseState {
  current: { code: number; reason: string; byApp: boolean } | undefined;
}

/**
 * A message the app sent: exactly one of `text` or `bytes` is set.
 *
 * @example
 * ```ts
 * const message = await ws.receive();
 * if (message.text !== undefined) console.log(message.text);
 * ```
 */
export type WebSocketMessage = { text: string; bytes?: undefined } | { bytes: Uint8Array; text?: undefined };

/**
 * An accepted in-process WebSocket connection to an app (from `TestClient.websocket()`).
 * Messages you send become `websocket.receive` events; `receive*()` wait (up to the client's
 * timeout) for the app's `websocket.send`. When the app closes, `closeCode`/`closeReason`
 * are set and further `receive*()` calls throw `WebSocketClosed`.
 *
 * @example
 * ```ts
 * const ws = await client.websocket("/echo", { subprotocols: ["chat"] });
 * expect(ws.subprotocol).toBe("chat");
 * await ws.sendText("hello");
 * expect(await ws.receiveText()).toBe("hello");
 * await ws.close(1000);
 * ```
 */
export class WebSocketSession {
  /** The subprotocol the app accepted, or `null`. */
  readonly subprotocol: string | null;
  /** The extra headers the app put on its `websocket.accept`. */
  readonly headers: Headers;
  readonly #connection: AppConnection;
  readonly #inputs: AsyncQueue<WebSocketReceiveEventAny>;
  readonly #timeoutMs: number;
  readonly #closeState: CloseState;

  /** @internal Created by `TestClient.websocket()`. */
  constructor(
    accept: { subprotocol: string | null; headers: Headers },
    connection: AppConnection,
    inputs: AsyncQueue<WebSocketReceiveEventAny>,
    timeoutMs: number,
    closeState: CloseState,
  ) {
    this.subprotocol = accept.subprotocol;
    this.headers = accept.headers;
    this.#connection = connection;
    this.#inputs = inputs;
    this.#timeoutMs = timeoutMs;
    this.#closeState = closeState;
  }

  /** The close code the app sent with `websocket.close`, once it has closed. */
  get closeCode(): number | undefined {
    const close = this.#closeState.current;
    return close?.byApp ? close.code : undefined;
  }

  /** The close reason the app sent, once it has closed. */
  get closeReason(): string | undefined {
    const close = this.#closeState.current;
    return close?.byApp ? close.reason : undefined;
  }

  /** Sends a text message to the app. */
  sendText(text: string): void {
    this.#inputs.push({ type: "websocket.receive", text });
  }

  /** Sends a binary message to the app. */
  sendBytes(bytes: Uint8Array): void {
    this.#inputs.push({ type: "websocket.receive", bytes });
  }

  /** Sends `JSON.stringify(value)` as a text message. */
  sendJson(value: unknown): void {
    this.sendText(JSON.stringify(value));
  }

  /** The next message the app sends; throws `WebSocketClosed` when it closes instead. */
  async receive(): Promise<WebSocketMessage> {
    const closed = this.#closeState.current;
    if (closed?.byApp) throw new WebSocketClosed(closed.code, closed.reason);
    const event = await this.#connection.next(this.#timeoutMs, "websocket.send");
    if (event.type === "websocket.close") {
      this.#appClosed(event.code ?? 1000, event.reason ?? "");
      throw new WebSocketClosed(event.code ?? 1000, event.reason ?? "");
    }
    if (event.type !== "websocket.send") throw new UnexpectedEventError("websocket.send", event);
    return toMessage(event);
  }

  /** The next message, which must be text. */
  async receiveText(): Promise<string> {
    const message = await this.receive();
    if (message.text === undefined) throw new UnexpectedEventError("a text message", { type: "websocket.send (bytes)" });
    return message.text;
  }

  /** The next message, which must be binary. */
  async receiveBytes(): Promise<Uint8Array> {
    const message = await this.receive();
    if (message.bytes === undefined) throw new UnexpectedEventError("a binary message", { type: "websocket.send (text)" });
    return message.bytes;
  }

  /** The next message (text or bytes) parsed as JSON. */
  async receiveJson<T = unknown>(): Promise<T> {
    const message = await this.receive();
    const text = message.text ?? new TextDecoder().decode(message.bytes);
    return JSON.parse(text) as T;
  }

  /**
   * Waits for the app to close the connection and returns its code and reason; a message
   * arriving instead is an `UnexpectedEventError`.
   */
  async receiveClose(): Promise<{ code: number; reason: string }> {
    const closed = this.#closeState.current;
    if (closed?.byApp) return { code: closed.code, reason: closed.reason };
    const event = await this.#connection.next(this.#timeoutMs, "websocket.close");
    if (event.type !== "websocket.close") throw new UnexpectedEventError("websocket.close", event);
    this.#appClosed(event.code ?? 1000, event.reason ?? "");
    return { code: event.code ?? 1000, reason: event.reason ?? "" };
  }

  /**
   * Closes from the client side (the app receives `websocket.disconnect` with `code` and
   * `reason`; its later `send()` calls reject with `ClientDisconnected`), then waits for the
   * app to return, rethrowing its error.
   *
   * @param code close code, default `1000`
   * @param reason close reason, default `""`
   */
  async close(code = 1000, reason = ""): Promise<void> {
    this.#closeState.current ??= { code, reason, byApp: false };
    this.#connection.disconnect();
    await this.#connection.wait(this.#timeoutMs, "the app to return after websocket.disconnect");
  }

  #appClosed(code: number, reason: string): void {
    this.#closeState.current = { code, reason, byApp: true };
    this.#connection.disconnect();
  }
}

function toMessage(event: WebSocketSendEvent): WebSocketMessage {
  if (event.bytes !== undefined && event.bytes !== null) return { bytes: event.bytes };
  return { text: event.text ?? "" };
}
