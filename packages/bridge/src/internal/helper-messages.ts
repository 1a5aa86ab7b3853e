import type { HTTPScope, HTTPSendEvent } from "@sluice/core";
import type { SerializedError } from "./serialized-error.js";

/** Data the async helper thread starts with. */
export interface HelperWorkerData {
  /** Where call results go. */
  replies: import("node:worker_threads").MessagePort;
  /** Bumped (and notified) after every reply. */
  signal: SharedArrayBuffer;
}

/** Caller → helper: run an exported async function. */
export interface HelperCallMessage {
  t: "call";
  id: number;
  moduleUrl: string;
  exportName: string;
  args: unknown[];
}

/** Caller → helper: run an async app for one request, talking over `port`. */
export interface HelperAppMessage {
  t: "app";
  port: import("node:worker_threads").MessagePort;
  signal: SharedArrayBuffer;
  moduleUrl: string;
  exportName: string;
  scope: HTTPScope;
}

/** Every message the helper thread receives from its parent. */
export type ToHelperMessage = HelperCallMessage | HelperAppMessage;

/** Helper → caller: a call's outcome. */
export type CallReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/** Helper → caller, per app request: what the async app asks for or how it ended. */
export type AppRequest =
  | { t: "receive"; id: number }
  | { t: "send"; id: number; event: HTTPSendEvent }
  | { t: "done" }
  | { t: "error"; error: SerializedError };

/** Caller → helper, per app request: answers, matched by `id`. */
export type AppReply =
  | { id: number; t: "request"; body: Uint8Array; more_body: boolean }
  | { id: number; t: "disconnect" }
  | { id: number; t: "ack" }
  | { id: number; t: "gone" }
  | { id: number; t: "refused"; message: string };
