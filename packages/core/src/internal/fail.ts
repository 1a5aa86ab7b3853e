import { ProtocolError } from "../errors.js";

/**
 * Throws a `ProtocolError` for `rule`. A tiny shorthand so every check reads as one line.
 */
export function fail(rule: string, message: string, event?: unknown): never {
  throw new ProtocolError(rule, message, event);
}

/** A short, safe description of any value for error messages (never dumps payloads). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  return "an object";
}

/** The `type` of an event for messages: `"http.response.body"`, or a description of a non-event. */
export function eventName(event: unknown): string {
  if (isRecord(event) && typeof event["type"] === "string") return `"${event["type"]}"`;
  return describeValue(event);
}

/** Whether `value` is a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
