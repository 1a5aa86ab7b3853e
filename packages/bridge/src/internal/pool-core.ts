import type { ResourceLimits } from "node:worker_threads";
import { PoolClosedError, QueueFullError, WorkerCrashedError } from "../errors.js";
import { PoolThread } from "./pool-thread.js";

/** Settings of a pool, all defaults applied. */
export interface PoolCoreOptions {
  workers: number;
  maxQueue: number;
  timeout: number;
  inputBufferSize: number;
  outputWindow: number;
  resourceLimits: ResourceLimits | undefined;
  niceness: number;
  preload: string[];
  app: { moduleUrl: string; exportName: string } | undefined;
}

/**
 * Counters of a pool, for monitoring (`pooledApp.stats`, `workerPool.stats`).
 *
 * @example
 * ```ts
 * const { busy, queued, crashed } = app.stats;
 * ```
 */
export interface PoolStats {
  /** Live worker threads. */
  workers: number;
  /** Threads running a task. */
  busy: number;
  /** Tasks waiting for a free thread. */
  queued: number;
  /** Tasks finished (in any way). */
  completed: number;
  /** Workers that died while running a task or while idle, and were replaced. */
  crashed: number;
  /** Tasks that ran past the timeout (their workers were replaced). */
  timedOut: number;
  /** Tasks refused because the queue was full. */
  rejected: number;
}

interface Waiter {
  resolve: (thread: PoolThread) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed-size set of worker threads with a bounded FIFO queue: hands one task at a time to
 * each thread, replaces threads that die or time out, and closes gracefully.
 */
export class PoolCore {
  readonly options: PoolCoreOptions;
  readonly #threads = new Set<PoolThread>();
  readonly #idle: PoolThread[] = [];
  readonly #waiting: Waiter[] = [];
  readonly #running = new Set<Promise<unknown>>();
  #closed = false;
  #startupFailures = 0;
  #broken: Error | undefined;
  #counters = { completed: 0, crashed: 0, timedOut: 0, rejected: 0 };

  constructor(options: PoolCoreOptions) {
    this.options = options;
    for (let i = 0; i < options.workers; i++) this.#spawn();
  }

  /** Resolves once every current thread is ready; rejects with the first load error. */
  async ready(): Promise<void> {
    await Promise.all([...this.#threads].map((thread) => thread.ready));
  }

  get stats(): PoolStats {
    let busy = 0;
    for (const thread of this.#threads) if (thread.busy) busy++;
    return { workers: this.#threads.size, busy, queued: this.#waiting.length, ...this.#counters };
  }

  /** Waits for a free thread and runs `work` on it; `work` must call `thread.finish()` when done. */
  async run<T>(work: (thread: PoolThread) => Promise<T>): Promise<T> {
    const thread = await this.#acquire();
    const running = work(thread);
    this.#running.add(running);
    try {
      return await running;
    } finally {
      this.#running.delete(running);
      this.#counters.completed++;
      this.#release(thread);
    }
  }

  /** Refuses new tasks, rejects waiting ones, lets running ones finish, then stops every thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new PoolClosedError());
    await Promise.allSettled([...this.#running]);
    await Promise.all([...this.#threads].map((thread) => thread.terminate()));
  }

  #acquire(): Promise<PoolThread> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const thread = this.#idle.pop();
    if (thread !== undefined) return Promise.resolve(thread);
    if (this.#waiting.length >= this.options.maxQueue) {
      this.#counters.rejected++;
      return Promise.reject(new QueueFullError(this.options.maxQueue));
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(thread: PoolThread): void {
    if (thread.dead || this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter.resolve(thread);
    else this.#idle.push(thread);
  }

  #spawn(): void {
    const thread = new PoolThread({
      app: this.options.app,
      inputBufferSize: this.options.inputBufferSize,
      outputWindow: this.options.outputWindow,
      timeout: this.options.timeout,
      resourceLimits: this.options.resourceLimits,
      niceness: this.options.niceness,
      preload: this.options.preload,
      onDeath: (dead) => this.#onDeath(dead),
    });
    this.#threads.add(thread);
    // Only a loaded worker takes tasks, so its task timer never counts the app's import time.
    // A worker whose app failed to load takes them too, and answers each with the load error.
    const release = (): void => this.#release(thread);
    void thread.ready.then(release, release);
  }

  #onDeath(thread: PoolThread): void {
    this.#threads.delete(thread);
    const idleAt = this.#idle.indexOf(thread);
    if (idleAt !== -1) this.#idle.splice(idleAt, 1);
    if (this.#closed) return;
    if (thread.timedOut) {
      this.#counters.timedOut++;
    } else {
      this.#counters.crashed++;
      if (!thread.wasReady && ++this.#startupFailures > this.options.workers) {
        // Workers die while loading the app: respawning would only spin. Fail every task instead.
        this.#broken ??= new WorkerCrashedError("worker threads keep dying while loading; the pool stopped replacing them");
        if (this.#threads.size === 0) for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#broken);
        return;
      }
    }
    this.#spawn();
  }
}
