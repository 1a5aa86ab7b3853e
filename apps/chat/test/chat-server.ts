import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@sluice/server";
import WebSocket from "ws";
import { createChatApp } from "../src/app.js";
import type { ChatConfig } from "../src/config.js";
import type { ClientEvent } from "../src/chat-events.js";

export const publicDir = fileURLToPath(new URL("../dist/public/", import.meta.url));

/** Serves the chat app in this process on a free port, with lifespan on. */
export async function startChat(overrides: Partial<ChatConfig> = {}, port = 0): Promise<{ url: string; wsUrl: string; historyFile: string; close(): Promise<void> }> {
  const historyFile = overrides.historyFile ?? join(await mkdtemp(join(tmpdir(), "sluice-chat-")), "history.json");
  const app = createChatApp({ allowedOrigins: ["http://allowed.example"], broadcastUrl: "memory://", publicDir, ...overrides, historyFile });
  const server = await serve(app, { host: "127.0.0.1", port, lifespan: "on", accessLog: false, logLevel: "warning" });
  return { url: server.url, wsUrl: server.url.replace("http", "ws"), historyFile, close: () => server.close() };
}

/** A `ws` client that queues the chat events it receives. */
export class ChatClient {
  readonly socket: WebSocket;
  readonly #queue: ClientEvent[] = [];
  #waiter: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      this.#queue.push(JSON.parse((data as Buffer).toString("utf8")) as ClientEvent);
      this.#waiter?.();
    });
  }

  static async connect(wsUrl: string, room: string, nick: string, headers: Record<string, string> = {}): Promise<ChatClient> {
    const socket = new WebSocket(`${wsUrl}/ws?${new URLSearchParams({ room, nick }).toString()}`, { headers });
    const client = new ChatClient(socket);
    await once(socket, "open");
    return client;
  }

  /** Waits for the next event of `type`, skipping others. */
  async next<T extends ClientEvent["type"]>(type: T): Promise<Extract<ClientEvent, { type: T }>> {
    for (;;) {
      const index = this.#queue.findIndex((event) => event.type === type);
      if (index !== -1) return this.#queue.splice(index, 1)[0] as Extract<ClientEvent, { type: T }>;
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  /** Waits until a presence event lists exactly `members`. */
  async presence(members: string[]): Promise<void> {
    for (;;) {
      const event = await this.next("presence");
      if (JSON.stringify(event.members) === JSON.stringify(members)) return;
    }
  }

  say(text: string): void {
    this.socket.send(JSON.stringify({ type: "message", text }));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, "close");
    this.socket.close();
    await closed;
  }
}

/** Opens a handshake that the server is expected to refuse; resolves with status and body. */
export async function refusedHandshake(wsUrl: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const socket = new WebSocket(`${wsUrl}/ws?${query}`, { headers });
  socket.on("error", () => undefined); // the refusal itself is what we expect
  const [, response] = (await once(socket, "unexpected-response")) as [unknown, import("node:http").IncomingMessage];
  let body = "";
  for await (const chunk of response) body += String(chunk);
  socket.terminate();
  return { status: response.statusCode ?? 0, body };
}
