import { ClientDisconnected } from "@sluice/core";
import type { App, ReceiveEvent, Scope, SendEvent } from "@sluice/core";
import { AppFinishedError } from "../errors.js";
import { deferred, type Deferred } from "./deferred.js";
import { Latch } from "./latch.js";
import { withTimeout } from "./timeout.js";

/** How a connection feeds and watches the app. */
export interface AppConnectionOptions {
  /** Produces the next event for the app's `receive()` while the peer is connected. */
  receive: () => Promise<ReceiveEvent>;
  /** The event every `receive()` returns once the peer has disconnected. */
  disconnectEvent: () => ReceiveEvent;
  /** How many sent events may wait unread before `send()` waits for the reader. */
  highWaterMark: number;
  /** Called for every event the app sends, before it is queued. */
  onSend?: (event: SendEvent) => void;
}

interface QueuedOutput {
  event: SendEvent;
  taken: Deferred<undefined>;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

/**
 * One running invocation of an app: its `receive`/`send` callables, the queue of events it
 * sent, and its outcome. Timeouts while reading never cancel the app.
 */
export class AppConnection {
  readonly #options: AppConnectionOptions;
  readonly #outputs: QueuedOutput[] = [];
  readonly #disconnected = new Latch();
  readonly #outcome: Promise<Outcome>;
  #result: Outcome | undefined;
  #wake: Deferred<undefined> | undefined;
  #unbounded = false;

  constructor(app: App, scope: Scope, options: AppConnectionOptions) {
    this.#options = options;
    this.#outcome = Promise.resolve()
      .then(() => app(scope, this.#receive, this.#send))
      .then(
        (): Outcome => ({ ok: true }),
        (error: unknown): Outcome => ({ ok: false, error }),
      )
      .then((outcome) => {
        this.#result = outcome;
        this.#wake?.resolve();
        return outcome;
      });
  }

  /** `true` once `disconnect()` was called. */
  get disconnected(): boolean {
    return this.#disconnected.tripped;
  }

  /** `true` once the app has returned or thrown. */
  get finished(): boolean {
    return this.#result !== undefined;
  }

  /** Marks the peer as gone: `receive()` returns the disconnect event, `send()` rejects. */
  disconnect(): void {
    this.#disconnected.trip();
  }

  /** The next event the app sent, waiting up to `timeoutMs`; rethrows the app's error if it failed. */
  async next(timeoutMs: number, awaited: string): Promise<SendEvent> {
    for (;;) {
      const queued = this.#outputs.shift();
      if (queued) {
        queued.taken.resolve();
        return queued.event;
      }
      if (this.#result) this.#throwOutcome(awaited);
      this.#wake = deferred<undefined>();
      try {
        await withTimeout(this.#wake.promise, timeoutMs, awaited, () => this.disconnect());
      } catch (error) {
        this.#releaseBackpressure();
        throw error;
      }
    }
  }

  /** Whether an event is queued right now. */
  hasOutput(): boolean {
    return this.#outputs.length > 0;
  }

  /** Waits up to `timeoutMs` for the app to return; rethrows its error (except `ClientDisconnected` after a disconnect). */
  async wait(timeoutMs: number, awaited = "the app to return"): Promise<void> {
    const outcome = await withTimeout(this.#outcome, timeoutMs, awaited, () => this.disconnect());
    if (!outcome.ok && !this.#isIgnorable(outcome.error)) throw outcome.error;
  }

  /** Resolves when the app returns or throws, or after `timeoutMs`; never rejects. */
  async settled(timeoutMs: number): Promise<boolean> {
    try {
      await withTimeout(this.#outcome, timeoutMs, "the app to return");
      return true;
    } catch {
      return false;
    }
  }

  /** After a timeout nobody may read again: let the app's `send()` calls complete so it can keep running. */
  #releaseBackpressure(): void {
    this.#unbounded = true;
    for (const queued of this.#outputs) queued.taken.resolve();
  }

  #throwOutcome(awaited: string): never {
    const result = this.#result;
    if (result && !result.ok && !this.#isIgnorable(result.error)) throw result.error;
    throw new AppFinishedError(awaited);
  }

  #isIgnorable(error: unknown): boolean {
    return this.disconnected && error instanceof ClientDisconnected;
  }

  readonly #receive = async (): Promise<ReceiveEvent> => {
    if (this.disconnected) return this.#options.disconnectEvent();
    return this.#disconnected.race(this.#options.receive(), () => this.#options.disconnectEvent());
  };

  readonly #send = async (event: SendEvent): Promise<void> => {
    if (this.disconnected) throw new ClientDisconnected(`the test client has disconnected; ${event.type} was not delivered`);
    this.#options.onSend?.(event);
    const queued: QueuedOutput = { event, taken: deferred<undefined>() };
    this.#outputs.push(queued);
    this.#wake?.resolve();
    if (!this.#unbounded && this.#outputs.length > this.#options.highWaterMark) {
      await this.#disconnected.race(queued.taken.promise, () => undefined);
    }
  };
}
