import { availableParallelism } from "node:os";
import { BridgeConfigError } from "../errors.js";

/** Default number of worker threads: one per core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** Default size of the shared input slot a worker reads request-body bytes through. */
export const DEFAULT_INPUT_BUFFER_SIZE = 64 * 1024;

/** Default number of response bytes a worker may have in flight before it blocks. */
export const DEFAULT_OUTPUT_BUFFER_SIZE = 256 * 1024;

/** Throws a `BridgeConfigError` naming `name` unless `value` is an integer ≥ `min`. */
export function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new BridgeConfigError(name, `must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Throws a `BridgeConfigError` unless `value` is a queue bound: a number ≥ 0 (`Infinity` allowed). */
export function checkMaxQueue(value: number): number {
  if (!(value >= 0)) throw new BridgeConfigError("maxQueue", `must be >= 0, got ${value}`);
  return value;
}

/** Default niceness of worker threads on Linux: a little below the event loop, which then wins the CPU when cores are scarce. */
export const DEFAULT_WORKER_NICENESS = 5;

/** Throws a `BridgeConfigError` unless `value` is a niceness (-20 to 19). */
export function checkNiceness(value: number): number {
  if (!Number.isInteger(value) || value < -20 || value > 19) throw new BridgeConfigError("workerNiceness", `must be an integer from -20 to 19, got ${value}`);
  return value;
}
