import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { AsyncCallTimeoutError } from "../errors.js";
import { threadEntryUrl } from "./entry-url.js";
import type { CallReply, HelperWorkerData, ToHelperMessage } from "./helper-messages.js";
import { deserializeError } from "./serialized-error.js";

interface Helper {
  worker: Worker;
  replies: MessagePort;
  signal: Int32Array;
  nextId: number;
}

// One helper per calling thread (module state is per thread), created on first use; it never
// keeps the process alive (unref) and lives as long as its thread.
let helper: Helper | undefined;

/** This thread's async helper thread. */
export function asyncHelper(): Helper {
  if (helper !== undefined) return helper;
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const data: HelperWorkerData = { replies: port2, signal };
  const worker = new Worker(threadEntryUrl("async-helper-main"), { workerData: data, transferList: [port2] });
  worker.unref();
  port1.unref();
  helper = { worker, replies: port1, signal: new Int32Array(signal), nextId: 1 };
  return helper;
}

/** Posts a message to this thread's helper. */
export function postToHelper(message: ToHelperMessage, transfer?: Array<MessagePort | ArrayBuffer>): void {
  asyncHelper().worker.postMessage(message, transfer);
}

/**
 * Blocks the calling thread until a message arrives on `port` (signalled through `signal[0]`),
 * or `deadline` (a `performance.now()` time) passes; returns `undefined` on timeout.
 */
export function waitForMessage(port: MessagePort, signal: Int32Array, deadline: number): unknown {
  for (;;) {
    const seen = Atomics.load(signal, 0);
    const received = receiveMessageOnPort(port);
    if (received !== undefined) return received.message;
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    Atomics.wait(signal, 0, seen, left === Infinity ? undefined : left);
  }
}

/** Runs an exported async function on the helper thread and blocks until it settles. */
export function callOnHelper(moduleUrl: string, exportName: string, args: unknown[], timeout: number): unknown {
  const current = asyncHelper();
  const id = current.nextId++;
  current.worker.postMessage({ t: "call", id, moduleUrl, exportName, args } satisfies ToHelperMessage);
  const deadline = performance.now() + timeout;
  for (;;) {
    const reply = waitForMessage(current.replies, current.signal, deadline) as CallReply | undefined;
    if (reply === undefined) throw new AsyncCallTimeoutError(timeout);
    if (reply.id !== id) continue; // a late answer to a call that timed out
    if (reply.ok) return reply.value;
    throw deserializeError(reply.error);
  }
}
