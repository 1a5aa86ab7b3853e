import type { FromWorkerMessage } from "./messages.js";
import type { PoolThread, ThreadTask } from "./pool-thread.js";
import { deserializeError } from "./serialized-error.js";

/** Runs one exported-function call on a pool thread and settles with its result. */
export class CallTask implements ThreadTask {
  readonly result: Promise<unknown>;
  #resolve!: (value: unknown) => void;
  #reject!: (error: Error) => void;
  readonly #thread: PoolThread;

  constructor(thread: PoolThread) {
    this.#thread = thread;
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  onMessage(message: FromWorkerMessage): void {
    if (message.t === "log") {
      process.stderr.write(message.text);
      return;
    }
    if (message.t !== "result") return;
    this.#thread.finish();
    if (message.ok) this.#resolve(message.value);
    else this.#reject(deserializeError(message.error));
  }

  onFailure(error: Error): void {
    this.#reject(error);
  }
}
