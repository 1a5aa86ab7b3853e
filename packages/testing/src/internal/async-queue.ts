import { deferred, type Deferred } from "./deferred.js";

/** An unbounded FIFO whose `shift()` waits until an item is there. */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Array<Deferred<T>> = [];

  /** Adds an item, handing it straight to the oldest waiter if there is one. */
  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.#items.push(item);
  }

  /** Takes the oldest item, waiting for one when empty. */
  shift(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    const waiter = deferred<T>();
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** Number of items waiting to be taken. */
  get size(): number {
    return this.#items.length;
  }
}
