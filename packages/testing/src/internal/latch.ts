/**
 * A one-way switch that can be waited on without leaking: unlike `Promise.race` against a
 * long-lived promise, `race()` drops its listener as soon as the raced promise settles, so
 * values flowing through many races are not retained.
 */
export class Latch {
  #tripped = false;
  readonly #listeners = new Set<() => void>();

  /** `true` once `trip()` was called. */
  get tripped(): boolean {
    return this.#tripped;
  }

  /** Flips the switch and notifies every current waiter. */
  trip(): void {
    if (this.#tripped) return;
    this.#tripped = true;
    for (const listener of this.#listeners) listener();
    this.#listeners.clear();
  }

  /** Settles like `promise`, or with `onTrip()` (value or thrown error) if the latch trips first. */
  race<T>(promise: Promise<T>, onTrip: () => T): Promise<T> {
    if (this.#tripped) {
      promise.catch(() => undefined);
      return Promise.resolve().then(onTrip);
    }
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        try {
          resolve(onTrip());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      this.#listeners.add(listener);
      promise.then(
        (value) => {
          this.#listeners.delete(listener);
          resolve(value);
        },
        (error: unknown) => {
          this.#listeners.delete(listener);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
