import { ClientDisconnected } from "@sluice/core";
import type { MessagePort } from "node:worker_threads";
import { Control, InputState, type FromWorkerMessage } from "./messages.js";
import type { ResponseHead } from "./response-state.js";

/**
 * The worker end of the main-thread link: blocking input reads from the shared slot and
 * credit-limited response posting. Every wait also wakes when the main thread marks the
 * request aborted, and then throws `ClientDisconnected`.
 */
export class WorkerChannel {
  readonly #control: Int32Array;
  readonly #input: Uint8Array;
  readonly #port: MessagePort;
  readonly #window: number;

  constructor(control: SharedArrayBuffer, input: SharedArrayBuffer, port: MessagePort, window: number) {
    this.#control = new Int32Array(control);
    this.#input = new Uint8Array(input);
    this.#port = port;
    this.#window = window;
  }

  /** Posts a message that needs no answer. */
  post(message: FromWorkerMessage, transfer?: ArrayBuffer[]): void {
    this.#port.postMessage(message, transfer);
  }

  /** Asks the main thread for the next request-body bytes and blocks until they are in the slot. */
  pullInput(): Uint8Array | null {
    Atomics.store(this.#control, Control.INPUT_STATE, InputState.WAITING);
    this.post({ t: "read" });
    this.#waitUntil(() => Atomics.load(this.#control, Control.INPUT_STATE) !== InputState.WAITING);
    const state = Atomics.load(this.#control, Control.INPUT_STATE);
    if (state === InputState.END) return null;
    if (state === InputState.DISCONNECTED) throw new ClientDisconnected("the client disconnected while the app was reading wsgi.input");
    return this.#input.slice(0, Atomics.load(this.#control, Control.INPUT_LENGTH));
  }

  /** Posts response bytes in pieces of at most the window, blocking while the window is used up. */
  postBody(head: ResponseHead | undefined, chunk: Uint8Array, more: boolean, done: boolean): void {
    let offset = 0;
    let pieceHead = head;
    do {
      const end = Math.min(chunk.length, offset + this.#window);
      const piece = chunk.slice(offset, end);
      this.#waitUntil(() => Atomics.load(this.#control, Control.CREDIT) > 0);
      Atomics.sub(this.#control, Control.CREDIT, piece.length);
      offset = end;
      const last = offset >= chunk.length;
      this.post({ t: "body", head: pieceHead, chunk: piece, more: more || !last, done: done && last }, [piece.buffer]);
      pieceHead = undefined;
    } while (offset < chunk.length);
  }

  /** Throws `ClientDisconnected` when the main thread has marked the request aborted. */
  throwIfAborted(): void {
    if (Atomics.load(this.#control, Control.ABORTED) !== 0) {
      throw new ClientDisconnected("the client disconnected while the response was being sent");
    }
  }

  #waitUntil(ready: () => boolean): void {
    for (;;) {
      const seen = Atomics.load(this.#control, Control.SIGNAL);
      this.throwIfAborted();
      if (ready()) return;
      Atomics.wait(this.#control, Control.SIGNAL, seen);
    }
  }
}
