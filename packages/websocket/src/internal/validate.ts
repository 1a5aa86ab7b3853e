import type { Headers, WebSocketSendEvent } from "@sluice/core";
import { isByteString, ProtocolError } from "@sluice/core";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE_CHARS = /[\r\n\0]/;

/**
 * Checks a header list an app gave the server: names are tokens, values are byte strings
 * without CR, LF or NUL, and no name is one the server itself manages.
 */
export function checkHeaders(headers: unknown, rule: string, managed: ReadonlySet<string>, event: unknown): Headers {
  if (headers === undefined || headers === null) return [];
  if (!Array.isArray(headers)) throw new ProtocolError(rule, "headers must be an array of [name, value] pairs", event);
  for (const pair of headers as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      throw new ProtocolError(rule, "each header must be a [name, value] pair of strings", event);
    }
    const [name, value] = pair as [string, string];
    if (!TOKEN.test(name)) throw new ProtocolError(rule, `header name ${JSON.stringify(name)} is not an HTTP token`, event);
    if (!isByteString(value) || FORBIDDEN_VALUE_CHARS.test(value)) {
      throw new ProtocolError(rule, `header ${name} has a value that is not a byte string without CR, LF and NUL`, event);
    }
    if (managed.has(name.toLowerCase())) {
      throw new ProtocolError(rule, `header ${name} is set by the server and may not be given by the app`, event);
    }
  }
  return headers as Headers;
}

/** Returns the payload of a `websocket.send` event, checking that exactly one of `text`/`bytes` is set. */
export function messagePayload(event: WebSocketSendEvent): string | Uint8Array {
  const { text, bytes } = event;
  const hasText = text !== undefined && text !== null;
  const hasBytes = bytes !== undefined && bytes !== null;
  if (hasText === hasBytes) {
    throw new ProtocolError("websocket-message-payload", "websocket.send needs exactly one of text or bytes", event);
  }
  if (hasText) {
    if (typeof text !== "string") throw new ProtocolError("websocket-message-payload", "websocket.send text must be a string", event);
    return text;
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new ProtocolError("websocket-message-payload", "websocket.send bytes must be a Uint8Array", event);
  }
  return bytes;
}

/** Whether an endpoint may send `code` in a close frame (RFC 6455 section 7.4). */
export function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999))
  );
}

/** Checks the `code` and `reason` of a `websocket.close` event and returns them with defaults applied. */
export function closeArguments(event: { code?: unknown; reason?: unknown }): { code: number; reason: string } {
  const code = event.code ?? 1000;
  const reason = event.reason ?? "";
  if (typeof code !== "number" || !isSendableCloseCode(code)) {
    throw new ProtocolError(
      "websocket-close-code",
      `websocket.close code ${JSON.stringify(code)} may not be sent (use 1000-1003, 1007-1014 or 3000-4999)`,
      event,
    );
  }
  if (typeof reason !== "string") throw new ProtocolError("websocket-close-reason", "websocket.close reason must be a string", event);
  if (Buffer.byteLength(reason) > 123) {
    throw new ProtocolError("websocket-close-reason", "websocket.close reason must be at most 123 bytes of UTF-8", event);
  }
  return { code, reason };
}
