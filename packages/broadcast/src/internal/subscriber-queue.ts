import { SubscriberOverflow } from "../errors.js";
import type { BroadcastMessage } from "../broadcast.js";

/**
 * A bounded queue between the backend (which pushes) and one subscriber (which pulls). When
 * more than `maxQueue` messages wait, the subscriber is failed with SubscriberOverflow and its
 * queue freed.
 */
export class SubscriberQueue implements AsyncIterableIterator<BroadcastMessage> {
  readonly channel: string;
  private readonly maxQueue: number;
  private readonly onEnd: (queue: SubscriberQueue) => void;
  private buffer: BroadcastMessage[] = [];
  private head = 0;
  private waiting: { resolve: (r: IteratorResult<BroadcastMessage>) => void; reject: (e: unknown) => void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(channel: string, maxQueue: number, onEnd: (queue: SubscriberQueue) => void) {
    this.channel = channel;
    this.maxQueue = maxQueue;
    this.onEnd = onEnd;
  }

  /** Number of messages waiting to be read. */
  get size(): number {
    return this.buffer.length - this.head;
  }

  /** Delivers one message (called by the hub). */
  push(message: BroadcastMessage): void {
    if (this.ended) return;
    const waiter = this.waiting;
    if (waiter) {
      this.waiting = undefined;
      waiter.resolve({ value: message, done: false });
      return;
    }
    if (this.size >= this.maxQueue) {
      this.fail(new SubscriberOverflow(this.channel, this.maxQueue));
      return;
    }
    this.buffer.push(message);
  }

  /** Ends the iteration with an error after the queue is dropped. */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.buffer = [];
    this.head = 0;
    this.finish();
    const waiter = this.waiting;
    this.waiting = undefined;
    waiter?.reject(error);
  }

  /** Ends the iteration normally (unsubscribe or close). */
  end(): void {
    if (this.ended) return;
    this.buffer = [];
    this.head = 0;
    this.finish();
    const waiter = this.waiting;
    this.waiting = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  private finish(): void {
    this.ended = true;
    this.onEnd(this);
  }

  next(): Promise<IteratorResult<BroadcastMessage>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head] as BroadcastMessage;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<BroadcastMessage>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
