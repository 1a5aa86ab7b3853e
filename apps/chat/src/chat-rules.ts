/** Limits and naming rules of the chat, shared by the WebSocket handler and the API. */
export const MAX_MESSAGE_CHARS = 2000;
export const MAX_NICK_CHARS = 24;
export const MAX_HISTORY_PER_ROOM = 200;
export const DEFAULT_ROOM = "lobby";

const NICK = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;
const ROOM = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Length in characters (code points), so an emoji counts once. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A rule of the chat was broken; `message` says which, for the user. */
export class ChatInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChatInputError";
  }
}

/** Returns the trimmed nickname, or throws naming the rule it breaks. */
export function checkNick(raw: string | null | undefined): string {
  const nick = (raw ?? "").trim();
  if (nick === "") throw new ChatInputError("choose a nickname");
  if (characterCount(nick) > MAX_NICK_CHARS) throw new ChatInputError(`nicknames are at most ${MAX_NICK_CHARS} characters`);
  if (!NICK.test(nick)) {
    throw new ChatInputError("nicknames start with a letter or digit and use only letters, digits, spaces, '_', '.' and '-'");
  }
  return nick;
}

/** Returns the room name, or throws naming the rule it breaks. */
export function checkRoom(raw: string | null | undefined): string {
  const room = (raw ?? "").trim().toLowerCase();
  if (!ROOM.test(room)) throw new ChatInputError("room names are 1-32 characters of a-z, 0-9 and '-', starting with a letter or digit");
  return room;
}

/** Returns the message text, or throws naming the rule it breaks. */
export function checkMessage(raw: unknown): string {
  if (typeof raw !== "string" || raw.trim() === "") throw new ChatInputError("messages need some text");
  if (characterCount(raw) > MAX_MESSAGE_CHARS) throw new ChatInputError(`messages are at most ${MAX_MESSAGE_CHARS} characters`);
  return raw;
}
