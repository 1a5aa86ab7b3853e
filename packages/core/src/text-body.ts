import { ProtocolError } from "./errors.js";
import type { HTTPSend } from "./http.js";

/**
 * What a server attaches to a `send` it made, so that {@link sendTextBody} can hand it a
 * string (see {@link offerTextBody}).
 *
 * @example
 * ```ts
 * const target: TextBodyTarget = { send, sendTextBody: (text) => writeLastChunk(text) };
 * offerTextBody(target);
 * ```
 */
export interface TextBodyTarget {
  /** The server's own `send` the target belongs to; `sendTextBody` uses the target only when called with this very function. */
  readonly send: HTTPSend;
  /** Sends `text`, UTF-8 encoded, as the last body message; same rules and result as `send` for that message. */
  sendTextBody(text: string): Promise<void>;
}

const kTextBodyTarget = Symbol("sluice.textBodyTarget");

type TextBodySend = HTTPSend & { [kTextBodyTarget]?: TextBodyTarget };

const utf8 = new TextEncoder();

/**
 * Sends `text` as the last `http.response.body` message: the same as
 * `send({ type: "http.response.body", body: <UTF-8 bytes of text>, more_body: false })`, with
 * the same rules and result. When `send` is the very function a server made (`@sluice/server`
 * offers this), the server gets the string: it writes a whole body of ASCII text as it is
 * (up to 64 KiB, joined to the head) without making bytes, and encodes anything else. Any
 * other `send`, such as a middleware's wrapper (a new function, a `Proxy`, a copy), gets the
 * ordinary event, so the shortcut never goes past a middleware.
 *
 * @param send - The `send` the app was given.
 * @param text - The body; it is sent as UTF-8. Anything but a string is refused with a
 *   `ProtocolError` (rule `text-body-string`), as a rejected promise.
 *
 * @example
 * ```ts
 * const app: HTTPApp = async (scope, receive, send) => {
 *   await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain; charset=utf-8"]] });
 *   await sendTextBody(send, "Hello, World!");
 * };
 * ```
 */
export function sendTextBody(send: HTTPSend, text: string): Promise<void> {
  if (typeof text !== "string") {
    return Promise.reject(new ProtocolError("text-body-string", `sendTextBody takes the body as a string (got ${typeof text})`, text));
  }
  const target = (send as TextBodySend)[kTextBodyTarget];
  if (target !== undefined && target.send === send) return target.sendTextBody(text);
  return send({ type: "http.response.body", body: utf8.encode(text), more_body: false });
}

/**
 * For servers: makes {@link sendTextBody} called with `target.send` reach
 * `target.sendTextBody(text)` instead of `send`. Only offer it on a `send` the server made
 * itself; a wrapper of that `send` (a different function) is never taken for it.
 *
 * @param target - The server's `send` and what writes a last body message given as a string.
 *
 * @example
 * ```ts
 * offerTextBody(cycle); // cycle.send is the connection's send; cycle.sendTextBody(text) writes the string
 * ```
 */
export function offerTextBody(target: TextBodyTarget): void {
  (target.send as TextBodySend)[kTextBodyTarget] = target;
}
