import type { HTTPReceive, HTTPScope, HTTPSend } from "@sluice/core";
import type { ChatHub } from "./chat-hub.js";
import { ChatInputError, checkRoom, MAX_HISTORY_PER_ROOM } from "./chat-rules.js";
import { sendJson } from "./json-response.js";

const HISTORY_PATH = /^\/api\/rooms\/([^/]+)\/history\/?$/;

function parseLimit(raw: string | null): number {
  if (raw === null) return 50;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PER_ROOM) {
    throw new ChatInputError(`limit must be a whole number from 1 to ${MAX_HISTORY_PER_ROOM}`);
  }
  return limit;
}

/**
 * The JSON API: `GET /api/rooms` lists rooms with member and message counts;
 * `GET /api/rooms/:name/history?limit=N` returns the last N messages (1–200, default 50).
 * Errors are JSON `{ error }` with 400, 404 or 405.
 */
export async function chatApi(hub: ChatHub, scope: HTTPScope, _receive: HTTPReceive, send: HTTPSend): Promise<void> {
  const path = scope.path.slice(scope.root_path.length);
  const isRooms = path === "/api/rooms" || path === "/api/rooms/";
  const history = HISTORY_PATH.exec(path);
  if (!isRooms && history === null) {
    await sendJson(send, 404, { error: `no API endpoint at ${path}` });
    return;
  }
  if (scope.method !== "GET" && scope.method !== "HEAD") {
    await sendJson(send, 405, { error: `${scope.method} is not allowed here; use GET` }, [["allow", "GET, HEAD"]]);
    return;
  }
  if (isRooms) {
    await sendJson(send, 200, { rooms: hub.rooms() });
    return;
  }
  try {
    const room = checkRoom(decodeURIComponent(history?.[1] ?? ""));
    const limit = parseLimit(new URLSearchParams(scope.query_string).get("limit"));
    if (!hub.knows(room)) {
      await sendJson(send, 404, { error: `there is no room called "${room}"` });
      return;
    }
    await sendJson(send, 200, { room, messages: hub.history(room, limit) });
  } catch (error) {
    if (!(error instanceof ChatInputError)) throw error;
    const status = error.message.startsWith("room names") ? 404 : 400;
    await sendJson(send, status, { error: error.message });
  }
}
