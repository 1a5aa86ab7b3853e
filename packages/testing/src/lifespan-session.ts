import { ASGI_SPEC_VERSION, ASGI_VERSION, UnsupportedProtocol } from "@sluice/core";
import type { App, LifespanReceiveEvent, LifespanScope, State } from "@sluice/core";
import { AppFinishedError, LifespanFailed, UnexpectedEventError } from "./errors.js";
import { AppConnection } from "./internal/app-connection.js";
import { AsyncQueue } from "./internal/async-queue.js";

/**
 * Drives an app's lifespan connection in-process (from `TestClient.lifespan()`).
 * `startup()` resolves with the state the app filled in; the client then passes a shallow
 * copy of it into every later request and WebSocket scope.
 *
 * @example
 * ```ts
 * const lifespan = client.lifespan();
 * const state = await lifespan.startup();
 * expect(state["db"]).toBeDefined();
 * await client.get("/"); // scope.state is a copy of `state`
 * await lifespan.shutdown();
 * ```
 */
export class LifespanSession {
  readonly #getApp: () => Promise<App>;
  readonly #timeoutMs: number;
  readonly #onState: (state: State | undefined) => void;
  readonly #inputs = new AsyncQueue<LifespanReceiveEvent>();
  #connection: AppConnection | undefined;
  #supported = true;

  /** @internal Created by `TestClient.lifespan()`. */
  constructor(getApp: () => Promise<App>, timeoutMs: number, onState: (state: State | undefined) => void) {
    this.#getApp = getApp;
    this.#timeoutMs = timeoutMs;
    this.#onState = onState;
  }

  /** `false` when the app raised `UnsupportedProtocol` for the lifespan scope or returned without answering `lifespan.startup`. */
  get supported(): boolean {
    return this.#supported;
  }

  /**
   * Sends `lifespan.startup` and waits for the answer. Resolves with the state; rejects with
   * `LifespanFailed` on `lifespan.startup.failed` or an error from the app (an
   * `UnsupportedProtocol` error, or the app returning without an answer, instead resolves with
   * `{}` and sets `supported` to `false`).
   */
  async startup(): Promise<State> {
    const state: State = {};
    const scope: LifespanScope = { type: "lifespan", asgi: { version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION }, state };
    const connection = new AppConnection(await this.#getApp(), scope, {
      receive: () => this.#inputs.shift(),
      disconnectEvent: () => ({ type: "lifespan.shutdown" }),
      highWaterMark: Number.POSITIVE_INFINITY,
    });
    this.#connection = connection;
    this.#inputs.push({ type: "lifespan.startup" });
    let event;
    try {
      event = await connection.next(this.#timeoutMs, "lifespan.startup.complete");
    } catch (error) {
      if (error instanceof UnsupportedProtocol || error instanceof AppFinishedError) {
        this.#supported = false;
        return {};
      }
      throw wrap("startup", error);
    }
    if (event.type === "lifespan.startup.failed") throw new LifespanFailed("startup", event.message ?? "");
    if (event.type !== "lifespan.startup.complete") throw new UnexpectedEventError("lifespan.startup.complete", event);
    this.#onState(state);
    return state;
  }

  /**
   * Sends `lifespan.shutdown`, waits for the answer and for the app to return. Rejects with
   * `LifespanFailed` on `lifespan.shutdown.failed` or an app error. Later requests get no state.
   */
  async shutdown(): Promise<void> {
    this.#onState(undefined);
    const connection = this.#connection;
    if (!connection || !this.#supported) return;
    this.#inputs.push({ type: "lifespan.shutdown" });
    let event;
    try {
      event = await connection.next(this.#timeoutMs, "lifespan.shutdown.complete");
    } catch (error) {
      throw wrap("shutdown", error);
    }
    if (event.type === "lifespan.shutdown.failed") throw new LifespanFailed("shutdown", event.message ?? "");
    if (event.type !== "lifespan.shutdown.complete") throw new UnexpectedEventError("lifespan.shutdown.complete", event);
    await connection.wait(this.#timeoutMs, "the app to return after lifespan.shutdown.complete");
  }
}

function wrap(phase: "startup" | "shutdown", error: unknown): unknown {
  if (error instanceof LifespanFailed) return error;
  if (error instanceof Error && "code" in error && error.code === "ERR_TEST_TIMEOUT") return error;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new LifespanFailed(phase, reason, { cause: error });
}
