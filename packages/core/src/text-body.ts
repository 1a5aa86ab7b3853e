import type { HTTPSend } from "./http.js";

/**
 * What a server puts behind its `send` so that {@link sendTextBody} can hand it a string.
 *
 * @example
 * ```ts
 * const target: TextBodyTarget = { sendTextBody: (text) => writeLastChunk(text) };
 * ```
 */
export interface TextBodyTarget {
  /** Sends `text`, UTF-8 encoded, as the last body message; same rules and result as `send` for that message. */
  sendTextBody(text: string): Promise<void>;
}

const kTextBodyTarget = Symbol("sluice.textBodyTarget");

type TextBodySend = HTTPSend & { [kTextBodyTarget]?: TextBodyTarget };

const utf8 = new TextEncoder();

/**
 * Sends `text` as the last `http.response.body` message: the same as
 * `send({ type: "http.response.body", body: <UTF-8 bytes of text>, more_body: false })`. When
 * `send` is a server's own (`@sluice/server` offers this), the server writes the string
 * itself, without the bytes ever being made. Any other `send`, such as a middleware's wrapper
 * (which may want to read or rewrite the body), gets the ordinary event, so the shortcut never
 * bypasses a middleware.
 *
 * @param send - The `send` the app was given.
 * @param text - The body; it is sent as UTF-8.
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
  const target = (send as TextBodySend)[kTextBodyTarget];
  if (target !== undefined) return target.sendTextBody(text);
  return send({ type: "http.response.body", body: utf8.encode(text), more_body: false });
}

/**
 * For servers: makes {@link sendTextBody} with this `send` call `target.sendTextBody(text)`
 * instead of `send`. Only offer it on a `send` the server made itself.
 *
 * @param send - The server's own `send` for one connection.
 * @param target - What writes a last body message given as a string.
 *
 * @example
 * ```ts
 * const send: HTTPSend = (event) => cycle.send(event);
 * offerTextBody(send, cycle); // cycle.sendTextBody(text) writes the string
 * ```
 */
export function offerTextBody(send: HTTPSend, target: TextBodyTarget): void {
  (send as TextBodySend)[kTextBodyTarget] = target;
}
