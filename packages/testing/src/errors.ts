import { SluiceError } from "@sluice/core";
import type { Headers } from "@sluice/core";

/**
 * A test waited longer than its timeout for an event from the app. The app is **not**
 * cancelled: it keeps running. Call `abort()` to tell it the peer went away (its `receive()`
 * then returns a disconnect event and its `send()` rejects with `ClientDisconnected`).
 *
 * @example
 * ```ts
 * try { await client.get("/slow", { timeoutMs: 100 }); }
 * catch (error) { if (error instanceof TestTimeoutError) { console.log(error.awaited); error.abort(); } }
 * ```
 */
export class TestTimeoutError extends SluiceError {
  /** What the test was waiting for, e.g. `"http.response.start"`. */
  readonly awaited: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  readonly #abort: () => void;

  /**
   * @param awaited what was being waited for
   * @param timeoutMs the timeout that elapsed
   * @param abort disconnects the connection the wait belonged to
   */
  constructor(awaited: string, timeoutMs: number, abort: () => void = () => undefined) {
    super(
      "ERR_TEST_TIMEOUT",
      `timed out after ${timeoutMs} ms waiting for ${awaited}; the app was not cancelled and keeps running (call abort() to disconnect it)`,
    );
    this.awaited = awaited;
    this.timeoutMs = timeoutMs;
    this.#abort = abort;
  }

  /** Disconnects the connection the test was waiting on, so the app can notice and end. */
  abort(): void {
    this.#abort();
  }
}

/**
 * The app returned (without an error) while the test was still waiting for an event from it,
 * e.g. it never sent `http.response.start`.
 *
 * @example
 * ```ts
 * await expect(client.get("/")).rejects.toBeInstanceOf(AppFinishedError);
 * ```
 */
export class AppFinishedError extends SluiceError {
  /** What the test was waiting for. */
  readonly awaited: string;

  /** @param awaited what was being waited for */
  constructor(awaited: string) {
    super("ERR_TEST_APP_FINISHED", `the app returned while the test was waiting for ${awaited}`);
    this.awaited = awaited;
  }
}

/**
 * The app sent an event the test client did not expect at this point (e.g. a
 * `websocket.send` with bytes where `receiveText()` wanted text).
 *
 * @example
 * ```ts
 * await expect(session.receiveText()).rejects.toMatchObject({ code: "ERR_TEST_UNEXPECTED_EVENT" });
 * ```
 */
export class UnexpectedEventError extends SluiceError {
  /** The event that arrived. */
  readonly event: unknown;

  /**
   * @param expected what the client expected
   * @param event the event that arrived instead
   */
  constructor(expected: string, event: unknown) {
    super("ERR_TEST_UNEXPECTED_EVENT", `expected ${expected} but the app sent ${describeEvent(event)}`);
    this.event = event;
  }
}

/**
 * The app denied a WebSocket handshake: it closed before accepting (status 403) or sent a
 * denial response through `websocket.http.response.*`.
 *
 * @example
 * ```ts
 * try { await client.websocket("/admin"); } catch (error) { if (error instanceof WebSocketDenied) console.log(error.status); }
 * ```
 */
export class WebSocketDenied extends SluiceError {
  /** HTTP status of the denial: 403 when the app closed before accepting. */
  readonly status: number;
  /** Headers of the denial response (`[]` for a plain close). */
  readonly headers: Headers;
  /** Body of the denial response (empty for a plain close). */
  readonly body: Uint8Array;

  /**
   * @param status HTTP status of the denial
   * @param headers denial response headers
   * @param body denial response body
   */
  constructor(status: number, headers: Headers, body: Uint8Array) {
    super("ERR_TEST_WEBSOCKET_DENIED", `the app denied the WebSocket handshake with status ${status}`);
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** The denial body decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.body);
  }
}

/**
 * The app closed the WebSocket while the test was waiting for a message.
 *
 * @example
 * ```ts
 * await expect(session.receiveText()).rejects.toMatchObject({ code: "ERR_TEST_WEBSOCKET_CLOSED", closeCode: 4000 });
 * ```
 */
export class WebSocketClosed extends SluiceError {
  /** The close code the app sent (1000 when it gave none). */
  readonly closeCode: number;
  /** The close reason the app sent (`""` when none). */
  readonly closeReason: string;

  /**
   * @param closeCode the app's close code
   * @param closeReason the app's close reason
   */
  constructor(closeCode: number, closeReason: string) {
    super("ERR_TEST_WEBSOCKET_CLOSED", `the app closed the WebSocket with code ${closeCode}${closeReason ? ` (${closeReason})` : ""}`);
    this.closeCode = closeCode;
    this.closeReason = closeReason;
  }
}

/**
 * Lifespan startup or shutdown failed: the app sent `lifespan.*.failed` or threw.
 *
 * @example
 * ```ts
 * await expect(client.lifespan().startup()).rejects.toBeInstanceOf(LifespanFailed);
 * ```
 */
export class LifespanFailed extends SluiceError {
  /** `"startup"` or `"shutdown"`. */
  readonly phase: "startup" | "shutdown";

  /**
   * @param phase the lifespan phase that failed
   * @param reason the app's message or error text
   */
  constructor(phase: "startup" | "shutdown", reason: string, options?: ErrorOptions) {
    super("ERR_TEST_LIFESPAN_FAILED", `lifespan ${phase} failed: ${reason || "(no message)"}`, options);
    this.phase = phase;
  }
}

/**
 * A request was aborted through its `signal` before the response completed.
 *
 * @example
 * ```ts
 * await expect(client.get("/", { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RequestAborted);
 * ```
 */
export class RequestAborted extends SluiceError {
  constructor() {
    super("ERR_TEST_ABORTED", "the request was aborted before the response completed; the app was sent a disconnect");
  }
}

function describeEvent(event: unknown): string {
  if (typeof event === "object" && event !== null && "type" in event) return JSON.stringify(event.type);
  return String(event);
}
