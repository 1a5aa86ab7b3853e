import { ClientDisconnected, getHeader, type WebSocketReceive, type WebSocketScope, type WebSocketSend } from "@sluice/core";
import { SubscriberOverflow } from "@sluice/broadcast";
import type { ClientEvent } from "./chat-events.js";
import type { ChatHub } from "./chat-hub.js";
import { ChatInputError, checkMessage, checkNick, checkRoom, DEFAULT_ROOM } from "./chat-rules.js";

/** Frames larger than this are not chat messages: the connection is closed with 1009. */
const MAX_FRAME_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** Whether the handshake's Origin is this site or one of the allowed origins. */
function originAllowed(scope: WebSocketScope, allowedOrigins: readonly string[]): boolean {
  const origin = getHeader(scope.headers, "origin");
  if (origin === undefined) return true; // not a browser: nothing to protect against
  const host = getHeader(scope.headers, "host");
  try {
    if (host !== undefined && new URL(origin).host === host) return true;
  } catch {
    return false;
  }
  return allowedOrigins.includes(origin);
}

async function deny(scope: WebSocketScope, send: WebSocketSend, status: number, error: string): Promise<void> {
  if (scope.extensions?.["websocket.http.response"] !== undefined) {
    await send({ type: "websocket.http.response.start", status, headers: [["content-type", "application/json"]] });
    await send({ type: "websocket.http.response.body", body: encoder.encode(JSON.stringify({ error })) });
  } else {
    await send({ type: "websocket.close", code: 1008, reason: error.slice(0, 120) });
  }
}

function emit(send: WebSocketSend, event: ClientEvent): Promise<void> {
  return send({ type: "websocket.send", text: JSON.stringify(event) });
}

/** Forwards the room's events to the browser until the subscription ends. */
async function forward(events: AsyncIterable<unknown>, send: WebSocketSend): Promise<void> {
  try {
    for await (const raw of events) await send({ type: "websocket.send", text: String(raw) });
  } catch (error) {
    if (error instanceof SubscriberOverflow) {
      await send({ type: "websocket.close", code: 1013, reason: "too far behind; reconnect" }).catch(() => undefined);
    } else if (!(error instanceof ClientDisconnected)) {
      throw error;
    }
  }
}

/**
 * One chat connection at `/ws?room=NAME&nick=NICK`. The handshake is refused (HTTP 400 with a
 * JSON `{ error }`, or 403 for a foreign Origin) when the room or nickname breaks the rules.
 * After a `welcome` (members and recent history), every `{ "type": "message", "text": … }` the
 * browser sends is published to the room; rule breaks answer `{ type: "error" }` and keep the
 * connection.
 */
export async function chatSocket(
  hub: ChatHub,
  allowedOrigins: readonly string[],
  scope: WebSocketScope,
  receive: WebSocketReceive,
  send: WebSocketSend,
): Promise<void> {
  await receive(); // websocket.connect
  if (!originAllowed(scope, allowedOrigins)) {
    await deny(scope, send, 403, "this origin may not open chat connections");
    return;
  }
  const params = new URLSearchParams(scope.query_string);
  let room: string;
  let nick: string;
  try {
    room = checkRoom(params.get("room") ?? DEFAULT_ROOM);
    nick = checkNick(params.get("nick"));
  } catch (error) {
    if (!(error instanceof ChatInputError)) throw error;
    await deny(scope, send, 400, error.message);
    return;
  }
  await send({ type: "websocket.accept" });
  const { events, members, history } = await hub.join(room, nick);
  const forwarding = forward(events, send);
  try {
    await emit(send, { type: "welcome", room, nick, node: hub.node, members, history });
    for (;;) {
      const event = await receive();
      if (event.type === "websocket.disconnect") break;
      if (event.type !== "websocket.receive") continue;
      const size = event.text != null ? event.text.length : (event.bytes?.byteLength ?? 0);
      if (size > MAX_FRAME_BYTES) {
        await send({ type: "websocket.close", code: 1009, reason: "message too big" });
        break;
      }
      try {
        const data = JSON.parse(event.text ?? "") as { type?: unknown; text?: unknown };
        if (data.type !== "message") throw new ChatInputError('send {"type": "message", "text": "..."}');
        await hub.say(room, nick, checkMessage(data.text));
      } catch (error) {
        const message = error instanceof ChatInputError ? error.message : 'send JSON like {"type": "message", "text": "..."}';
        await emit(send, { type: "error", message });
      }
    }
  } catch (error) {
    if (!(error instanceof ClientDisconnected)) throw error;
  } finally {
    await events.unsubscribe();
    await forwarding;
    await hub.leave(room, nick);
  }
}
