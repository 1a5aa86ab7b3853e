import type { App, ReceiveEvent, Scope, SendEvent } from "@sluice/core";
import { AppConnection } from "./internal/app-connection.js";
import { AsyncQueue } from "./internal/async-queue.js";
import { validated } from "./internal/prepare-app.js";

/**
 * Options of a `Communicator`.
 *
 * @example
 * ```ts
 * new Communicator(app, scope, { timeoutMs: 250, validate: false });
 * ```
 */
export interface CommunicatorOptions {
  /** Default timeout of `receiveOutput()` and `wait()`, in ms. Default `1000`. */
  timeoutMs?: number;
  /** Wrap the app in `validateApp` from `@sluice/core`. Default `true`. */
  validate?: boolean;
}

function disconnectEventFor(scope: Scope): ReceiveEvent {
  switch (scope.type) {
    case "http":
      return { type: "http.disconnect" };
    case "websocket":
      return { type: "websocket.disconnect", code: 1006, reason: "" };
    case "lifespan":
      return { type: "lifespan.shutdown" };
  }
}

/**
 * A low-level driver for one app invocation (like asgiref's `ApplicationCommunicator`):
 * you feed the app's `receive()` with `sendInput()` and read what it `send()`s with
 * `receiveOutput()`. Timeouts throw `TestTimeoutError` but never cancel the app; `abort()`
 * disconnects it explicitly. Errors the app throws surface from `receiveOutput()` and `wait()`.
 *
 * @example
 * ```ts
 * const communicator = new Communicator(app, { type: "http", method: "GET", path: "/", ... });
 * communicator.sendInput({ type: "http.request", body: new Uint8Array(), more_body: false });
 * expect(await communicator.receiveOutput()).toMatchObject({ type: "http.response.start", status: 200 });
 * expect(await communicator.receiveOutput()).toMatchObject({ type: "http.response.body" });
 * await communicator.wait();
 * ```
 */
export class Communicator {
  readonly #inputs = new AsyncQueue<ReceiveEvent>();
  readonly #connection: AppConnection;
  readonly #timeoutMs: number;

  /**
   * Starts the app right away with `scope`.
   *
   * @param app the async app under test
   * @param scope the scope to call it with
   * @param options see `CommunicatorOptions`
   */
  constructor(app: App, scope: Scope, options: CommunicatorOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#connection = new AppConnection(validated(app, options.validate ?? true), scope, {
      receive: () => this.#inputs.shift(),
      disconnectEvent: () => disconnectEventFor(scope),
      highWaterMark: Number.POSITIVE_INFINITY,
    });
  }

  /** `true` once the app has returned or thrown. */
  get finished(): boolean {
    return this.#connection.finished;
  }

  /** Queues an event for the app's next `receive()`. */
  sendInput(event: ReceiveEvent): void {
    this.#inputs.push(event);
  }

  /**
   * The next event the app sent. Throws the app's error if it failed, `AppFinishedError` if
   * it returned without sending more, or `TestTimeoutError` after `timeoutMs` (the app keeps running).
   *
   * @param timeoutMs how long to wait, default: the communicator's `timeoutMs`
   */
  receiveOutput(timeoutMs = this.#timeoutMs): Promise<SendEvent> {
    return this.#connection.next(timeoutMs, "an event from the app (receiveOutput)");
  }

  /**
   * Resolves `true` when the app sends nothing for `timeoutMs` (default `100`), `false` when
   * an event is waiting (it stays queued for `receiveOutput()`). Rethrows the app's error.
   */
  async receiveNothing(timeoutMs = 100): Promise<boolean> {
    if (this.#connection.hasOutput()) return false;
    const settled = await this.#connection.settled(timeoutMs);
    if (this.#connection.hasOutput()) return false;
    if (settled) await this.#connection.wait(0);
    return true;
  }

  /**
   * Waits for the app to return; rethrows its error. After `timeoutMs` throws
   * `TestTimeoutError` and leaves the app running (call `abort()` to disconnect it).
   */
  wait(timeoutMs = this.#timeoutMs): Promise<void> {
    return this.#connection.wait(timeoutMs);
  }

  /**
   * Disconnects the app: every later `receive()` returns the disconnect event for the scope
   * type (`http.disconnect`, `websocket.disconnect` code 1006, `lifespan.shutdown`) and
   * `send()` rejects with `ClientDisconnected`.
   */
  abort(): void {
    this.#connection.disconnect();
  }
}
