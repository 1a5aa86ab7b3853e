import { Worker, type ResourceLimits } from "node:worker_threads";
import { WorkerCrashedError, WorkerTimeoutError } from "../errors.js";
import { threadEntryUrl } from "./entry-url.js";
import { Control, CONTROL_WORDS, InputState, type FromWorkerMessage, type PoolWorkerData, type ToWorkerMessage } from "./messages.js";
import { deserializeError } from "./serialized-error.js";

/** What a job running on a `PoolThread` must handle. */
export interface ThreadTask {
  /** A message from the worker for this task. */
  onMessage(message: FromWorkerMessage): void;
  /** The worker died or timed out; the task must settle with `error`. */
  onFailure(error: WorkerCrashedError | WorkerTimeoutError): void;
}

/** Settings of one pool thread. */
export interface PoolThreadOptions {
  app: { moduleUrl: string; exportName: string } | undefined;
  inputBufferSize: number;
  outputWindow: number;
  /** Longest a task may run without I/O before the worker is terminated; `0` disables. */
  timeout: number;
  resourceLimits: ResourceLimits | undefined;
  niceness: number;
  preload: string[];
  /** Called once when the thread is gone (crash, timeout or close). */
  onDeath: (thread: PoolThread) => void;
}

/**
 * One worker thread of a pool, seen from the main thread: the worker, its shared control words
 * and input slot, the task it runs, and the no-progress timer.
 */
export class PoolThread {
  readonly worker: Worker;
  readonly control: Int32Array;
  readonly input: Uint8Array;
  readonly outputWindow: number;
  /** Resolves once the worker is ready (app loaded); rejects with the load error. */
  readonly ready: Promise<void>;
  #dead = false;
  #wasReady = false;
  #timedOut = false;
  #task: ThreadTask | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerPauses = 0;
  #lastError: Error | undefined;
  readonly #options: PoolThreadOptions;
  #settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(options: PoolThreadOptions) {
    this.#options = options;
    this.outputWindow = options.outputWindow;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const input = new SharedArrayBuffer(options.inputBufferSize);
    this.control = new Int32Array(control);
    this.input = new Uint8Array(input);
    const data: PoolWorkerData = { control, input, outputWindow: options.outputWindow, niceness: options.niceness, preload: options.preload, app: options.app };
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = { resolve, reject };
    });
    this.ready.catch(() => undefined);
    this.worker = new Worker(threadEntryUrl("pool-worker-main"), {
      workerData: data,
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on("message", (message: FromWorkerMessage) => this.#onMessage(message));
    this.worker.on("error", (error) => {
      this.#lastError = error;
    });
    this.worker.on("exit", (code) => this.#onExit(code));
  }

  /** Whether the worker has exited or is being terminated. */
  get dead(): boolean {
    return this.#dead;
  }

  /** Whether the worker ever became ready (it loaded its app). */
  get wasReady(): boolean {
    return this.#wasReady;
  }

  /** Whether the worker was terminated because a task ran past the timeout. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Whether a task is running. */
  get busy(): boolean {
    return this.#task !== undefined;
  }

  /** Starts `task` by posting `job`; the timer starts now. */
  start(task: ThreadTask, job: ToWorkerMessage): void {
    this.#task = task;
    this.#timerPauses = 0;
    Atomics.store(this.control, Control.ABORTED, 0);
    Atomics.store(this.control, Control.CREDIT, this.outputWindow);
    Atomics.store(this.control, Control.INPUT_STATE, InputState.WAITING);
    this.worker.ref();
    this.worker.postMessage(job);
    this.#armTimer();
  }

  /** Marks the running task finished: the thread can take another one. */
  finish(): void {
    this.#task = undefined;
    this.#clearTimer();
    if (!this.#dead) this.worker.unref();
  }

  /** Stops the no-progress timer while the main thread owes the worker something (input, credit). */
  pauseTimer(): void {
    this.#timerPauses++;
    this.#clearTimer();
  }

  /** Restarts the no-progress timer once nothing is owed any more. */
  resumeTimer(): void {
    this.#timerPauses = Math.max(0, this.#timerPauses - 1);
    if (this.#timerPauses === 0 && this.#task !== undefined) this.#armTimer();
  }

  /** Wakes the worker after a change to the control words. */
  signal(): void {
    Atomics.add(this.control, Control.SIGNAL, 1);
    Atomics.notify(this.control, Control.SIGNAL);
  }

  /** Terminates the worker (its exit settles any running task as crashed). */
  async terminate(): Promise<void> {
    this.#dead = true;
    await this.worker.terminate();
  }

  #onMessage(message: FromWorkerMessage): void {
    if (message.t === "ready") {
      this.#wasReady = true;
      this.#settleReady?.resolve();
      return;
    }
    if (message.t === "load-error") {
      this.#settleReady?.reject(deserializeError(message.error));
      return;
    }
    this.#task?.onMessage(message);
  }

  #onExit(code: number): void {
    this.#dead = true;
    this.#clearTimer();
    const detail = this.#lastError === undefined ? `exit code ${code}` : `uncaught ${this.#lastError.name}: ${this.#lastError.message}`;
    this.#settleReady?.reject(new WorkerCrashedError(`exited before it was ready: ${detail}`, { cause: this.#lastError }));
    const task = this.#task;
    this.#task = undefined;
    task?.onFailure(new WorkerCrashedError(detail, { cause: this.#lastError }));
    this.#options.onDeath(this);
  }

  #armTimer(): void {
    this.#clearTimer();
    const timeout = this.#options.timeout;
    if (timeout <= 0) return;
    this.#timer = setTimeout(() => this.#onTimeout(timeout), timeout);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onTimeout(timeout: number): void {
    const task = this.#task;
    this.#task = undefined;
    this.#dead = true;
    this.#timedOut = true;
    task?.onFailure(new WorkerTimeoutError(timeout));
    void this.worker.terminate();
  }
}
