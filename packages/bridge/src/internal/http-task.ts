import { ClientDisconnected, reasonPhrase, type HTTPReceive, type HTTPSend, type HTTPResponseStartEvent } from "@sluice/core";
import { WorkerTimeoutError } from "../errors.js";
import { Control, InputState, type FromWorkerMessage } from "./messages.js";
import type { PoolThread, ThreadTask } from "./pool-thread.js";
import type { ResponseHead } from "./response-state.js";
import { deserializeError } from "./serialized-error.js";

/** The main-thread side of one request: the async callables and where errors and logs go. */
export interface HttpTaskIo {
  receive: HTTPReceive;
  send: HTTPSend;
  /** Text the app wrote to `wsgi.errors`. */
  log: (text: string) => void;
  /** An error answered with a 5xx (the response had not started) or seen after the response completed. */
  onError: (error: Error) => void;
}

/**
 * Serves one request from a pool worker: feeds `wsgi.input` into the shared slot when the worker
 * asks, forwards response chunks to `send()` in order and returns credit once each is handed
 * over, and turns failures into 500/504 (response not started) or a rejected promise
 * (response started: the server truncates the connection).
 */
export class HttpTask implements ThreadTask {
  /** Settles when the request is over and the thread is free again. */
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  readonly #thread: PoolThread;
  readonly #io: HttpTaskIo;
  #chain: Promise<void> = Promise.resolve();
  #started = false;
  #completed = false;
  #sendError: unknown;
  #leftover: Uint8Array | undefined;
  #inputEnded = false;
  #over = false;

  constructor(thread: PoolThread, io: HttpTaskIo) {
    this.#thread = thread;
    this.#io = io;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  onMessage(message: FromWorkerMessage): void {
    switch (message.t) {
      case "read":
        void this.#feedInput();
        return;
      case "body":
        this.#thread.pauseTimer();
        this.#enqueue(() => this.#forwardBody(message.head, message.chunk, message.more));
        if (message.done) this.#enqueue(() => this.#end(undefined));
        return;
      case "pathsend":
        this.#enqueue(() => this.#forwardPathsend(message.head, message.path));
        return;
      case "log":
        this.#io.log(message.text);
        return;
      case "http-done":
        this.#enqueue(() => this.#end(undefined));
        return;
      case "http-error":
        this.#enqueue(() => this.#end(deserializeError(message.error)));
        return;
      default:
        return;
    }
  }

  onFailure(error: Error): void {
    this.#enqueue(() => this.#end(error));
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step);
  }

  async #forwardBody(head: ResponseHead | undefined, chunk: Uint8Array, more: boolean): Promise<void> {
    try {
      if (this.#sendError !== undefined) return;
      if (head !== undefined) await this.#start(head);
      await this.#io.send({ type: "http.response.body", body: chunk, more_body: more });
      if (!more) this.#completed = true;
    } catch (error) {
      this.#abort(error);
    } finally {
      Atomics.add(this.#thread.control, Control.CREDIT, chunk.length);
      this.#thread.signal();
      this.#thread.resumeTimer();
    }
  }

  async #forwardPathsend(head: ResponseHead, path: string): Promise<void> {
    try {
      if (this.#sendError !== undefined) return;
      await this.#start(head);
      await this.#io.send({ type: "http.response.pathsend", path });
      this.#completed = true;
    } catch (error) {
      this.#abort(error);
    }
  }

  async #start(head: ResponseHead): Promise<void> {
    const event: HTTPResponseStartEvent = { type: "http.response.start", status: head.status, headers: head.headers };
    this.#started = true;
    await this.#io.send(event);
  }

  #abort(error: unknown): void {
    this.#sendError = error;
    Atomics.store(this.#thread.control, Control.ABORTED, 1);
    this.#thread.signal();
  }

  async #feedInput(): Promise<void> {
    const thread = this.#thread;
    thread.pauseTimer();
    let state: number;
    try {
      state = await this.#fillSlot();
    } catch {
      state = InputState.DISCONNECTED;
    }
    // The request may have ended meanwhile (the worker gave up when the client went away) and
    // the thread may serve another one now: its control words are no longer ours.
    if (this.#over) return;
    Atomics.store(thread.control, Control.INPUT_STATE, state);
    thread.signal();
    thread.resumeTimer();
  }

  /** Puts the next body bytes into the slot (receiving when nothing is left over) and says what is there. */
  async #fillSlot(): Promise<number> {
    for (;;) {
      const leftover = this.#leftover;
      if (leftover !== undefined) {
        const size = Math.min(leftover.length, this.#thread.input.length);
        this.#thread.input.set(leftover.subarray(0, size));
        this.#leftover = size < leftover.length ? leftover.subarray(size) : undefined;
        Atomics.store(this.#thread.control, Control.INPUT_LENGTH, size);
        return InputState.DATA;
      }
      if (this.#inputEnded) return InputState.END;
      const event = await this.#io.receive();
      if (this.#over) return InputState.END; // see #feedInput: the slot is no longer ours
      if (event.type === "http.disconnect") return InputState.DISCONNECTED;
      if (!event.more_body) this.#inputEnded = true;
      if (event.body.length > 0) this.#leftover = event.body;
    }
  }

  async #end(error: Error | undefined): Promise<void> {
    this.#over = true;
    if (!this.#thread.dead) this.#thread.finish();
    if (this.#sendError !== undefined) {
      this.#reject(this.#sendError);
      return;
    }
    if (error === undefined) {
      this.#resolve();
      return;
    }
    if (error instanceof ClientDisconnected) {
      // The app saw http.disconnect while reading its input and gave up: nothing to answer.
      this.#resolve();
      return;
    }
    if (this.#completed) {
      this.#io.onError(error);
      this.#resolve();
      return;
    }
    if (this.#started) {
      this.#reject(error);
      return;
    }
    this.#io.onError(error);
    try {
      await sendPlainError(this.#io.send, error instanceof WorkerTimeoutError ? 504 : 500);
      this.#resolve();
    } catch (sendError) {
      this.#reject(sendError);
    }
  }
}

/** Sends a short plain-text error response. */
export async function sendPlainError(send: HTTPSend, status: 500 | 503 | 504 | 413): Promise<void> {
  const body = new TextEncoder().encode(`${reasonPhrase(status)}\n`);
  await send({
    type: "http.response.start",
    status,
    headers: [
      ["content-type", "text/plain; charset=utf-8"],
      ["content-length", String(body.length)],
    ],
  });
  await send({ type: "http.response.body", body, more_body: false });
}
