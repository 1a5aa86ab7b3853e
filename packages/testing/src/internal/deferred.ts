/** A promise together with the functions that settle it. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(...args: undefined extends T ? [value?: T] : [value: T]): void;
  reject(reason: unknown): void;
  /** `true` once `resolve` or `reject` was called. */
  readonly settled: boolean;
}

/** Creates a promise that is settled from the outside. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const state = {
    promise,
    settled: false,
    resolve(...args: undefined extends T ? [value?: T] : [value: T]) {
      if (state.settled) return;
      state.settled = true;
      resolve(args[0] as T);
    },
    reject(reason: unknown) {
      if (state.settled) return;
      state.settled = true;
      reject(reason);
    },
  };
  return state;
}
