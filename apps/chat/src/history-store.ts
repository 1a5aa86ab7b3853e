import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ChatMessage } from "./chat-events.js";
import { MAX_HISTORY_PER_ROOM } from "./chat-rules.js";

/**
 * Room histories kept in memory (the last 200 messages of each room) and saved to a JSON
 * file: loaded by `open()` at lifespan startup, written by `close()` at shutdown. Without a
 * file path it is memory-only.
 */
export class HistoryStore {
  readonly #file: string | undefined;
  readonly #rooms = new Map<string, ChatMessage[]>();

  constructor(file?: string) {
    this.#file = file;
  }

  /** Loads the saved histories, if the file exists. */
  async open(): Promise<void> {
    if (this.#file === undefined) return;
    let saved: Record<string, ChatMessage[]>;
    try {
      saved = JSON.parse(await readFile(this.#file, "utf8")) as Record<string, ChatMessage[]>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`cannot read chat history from ${this.#file}: ${(error as Error).message}`, { cause: error });
    }
    for (const [room, messages] of Object.entries(saved)) this.#rooms.set(room, messages.slice(-MAX_HISTORY_PER_ROOM));
  }

  /** Writes the histories (atomically: a temporary file renamed over the old one). */
  async close(): Promise<void> {
    if (this.#file === undefined) return;
    await mkdir(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(Object.fromEntries(this.#rooms)));
    await rename(temporary, this.#file);
  }

  /** Appends a message to its room, keeping at most 200 per room. */
  append(message: ChatMessage): void {
    const list = this.#rooms.get(message.room) ?? [];
    list.push(message);
    if (list.length > MAX_HISTORY_PER_ROOM) list.splice(0, list.length - MAX_HISTORY_PER_ROOM);
    this.#rooms.set(message.room, list);
  }

  /** The last `limit` messages of a room, oldest first. */
  recent(room: string, limit: number): ChatMessage[] {
    return (this.#rooms.get(room) ?? []).slice(-limit);
  }

  /** Number of stored messages per room. */
  counts(): Map<string, number> {
    return new Map([...this.#rooms].map(([room, list]) => [room, list.length]));
  }
}
