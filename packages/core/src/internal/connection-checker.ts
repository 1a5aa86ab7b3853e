import type { Scope } from "../app.js";
import { describeValue, eventName, fail, isRecord } from "./fail.js";

/** Tracks one connection's events in both directions and throws on the first rule broken. */
export interface ConnectionChecker {
  /** Checks an event the app is about to send; records it when it is valid. */
  checkSend(event: unknown): void;
  /** Checks an event the server delivered through `receive()`. */
  checkReceive(event: unknown): void;
  /** The server's `send()` rejected: the peer is gone, so an unfinished response is no fault of the app. */
  markSendFailed(): void;
  /** Called when the app returned normally; throws when it left its work unfinished. */
  checkReturn(): void;
}

/** Returns the event as a record with a string `type`, or throws `unknownRule`. */
export function asEvent(event: unknown, rule: string, who: string): Record<string, unknown> & { type: string } {
  if (!isRecord(event) || typeof event["type"] !== "string") {
    fail(rule, `${who} ${describeValue(event)}; every event is an object with a string "type"`, event);
  }
  return event as Record<string, unknown> & { type: string };
}

/** Throws `extension-not-advertised` unless the scope lists extension `name`. */
export function requireExtension(scope: Scope, name: string, event: unknown, what = `app sent ${eventName(event)}`): void {
  if (scope.type === "lifespan" || !isRecord(scope.extensions?.[name])) {
    fail("extension-not-advertised", `${what} but scope.extensions has no "${name}"; only send extension events the server advertises`, event);
  }
}

/** Throws `flag-type` unless `event[key]` is absent or a boolean. */
export function checkFlag(event: Record<string, unknown>, key: string): void {
  const value = event[key];
  if (value !== undefined && typeof value !== "boolean") {
    fail("flag-type", `${eventName(event)} key "${key}" must be a boolean, got ${describeValue(value)}`, event);
  }
}

/** Throws `body-type` unless `event.body` is absent or a `Uint8Array`. */
export function checkBody(event: Record<string, unknown>): void {
  const body = event["body"];
  if (body !== undefined && !(body instanceof Uint8Array)) {
    fail("body-type", `${eventName(event)} body must be a Uint8Array, got ${describeValue(body)}`, event);
  }
}

/** Checks the status of a response start event: an integer 100-599 that is not informational. */
export function checkStatus(event: Record<string, unknown>): void {
  const status = event["status"];
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    fail("status-type", `${eventName(event)} status must be an integer from 100 to 599, got ${describeValue(status)}`, event);
  }
  if (status < 200) {
    fail("http-status-informational", `${eventName(event)} status ${status} is informational; a response's status must be 200-599 (103 goes through http.response.early_hint, 100 and 101 are the server's)`, event);
  }
}
