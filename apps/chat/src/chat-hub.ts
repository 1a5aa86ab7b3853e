import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { createBroadcast, type Broadcast, type Subscription } from "@sluice/broadcast";
import type { ChatMessage, ClientEvent, NetworkEvent } from "./chat-events.js";
import { DEFAULT_ROOM } from "./chat-rules.js";
import type { HistoryStore } from "./history-store.js";

const NETWORK_CHANNEL = "sluice-chat:events";
/** How far a browser connection may fall behind before it is dropped. */
const CLIENT_QUEUE = 256;

/**
 * The chat state of one process. Every instance subscribes to one shared channel on the
 * network broadcast (memory, cluster or Redis), so each keeps the full history and the
 * presence of every room; events for the browsers of this process fan out through a local
 * in-memory broadcast whose bounded queues drop a client that cannot keep up.
 */
export class ChatHub {
  /** This instance's id, shown in the welcome event (host:pid:random). */
  readonly node = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #network: Broadcast;
  readonly #local: Broadcast;
  readonly #history: HistoryStore;
  readonly #presence = new Map<string, Map<string, Map<string, number>>>();
  #pump: Promise<void> = Promise.resolve();

  private constructor(network: Broadcast, local: Broadcast, history: HistoryStore) {
    this.#network = network;
    this.#local = local;
    this.#history = history;
  }

  /** Connects to the network broadcast at `url` and starts applying its events. */
  static async start(url: string, history: HistoryStore): Promise<ChatHub> {
    const started: { hub?: ChatHub } = {};
    const network = await createBroadcast(url, {
      maxQueue: 100_000,
      onGap: () => started.hub?.announcePresence(),
      onError: (error) => console.warn(`chat: broadcast connection problem: ${error.message}`),
    });
    const hub = new ChatHub(network, await createBroadcast("memory://", { maxQueue: CLIENT_QUEUE }), history);
    started.hub = hub;
    const events = network.subscribe(NETWORK_CHANNEL);
    await events.ready;
    hub.#pump = hub.#apply(events);
    return hub;
  }

  /** Stops applying events and closes both broadcasts. */
  async stop(): Promise<void> {
    await this.#network.close();
    await this.#local.close();
    await this.#pump;
  }

  /** Joins `nick` to `room`: the subscription of client events plus the welcome facts. */
  async join(room: string, nick: string): Promise<{ events: Subscription; members: string[]; history: ChatMessage[] }> {
    const events = this.#local.subscribe(`room:${room}`);
    this.#count(room, this.node, nick, 1);
    await this.#publish({ kind: "join", room, nick, node: this.node });
    this.#notifyPresence(room);
    return { events, members: this.members(room), history: this.#history.recent(room, 50) };
  }

  /** Removes `nick` from `room` (one connection's worth). */
  async leave(room: string, nick: string): Promise<void> {
    this.#count(room, this.node, nick, -1);
    this.#notifyPresence(room);
    await this.#publish({ kind: "leave", room, nick, node: this.node });
  }

  /** Publishes a chat message to every instance. */
  async say(room: string, nick: string, text: string): Promise<void> {
    const message: ChatMessage = { id: randomUUID(), room, nick, text, at: new Date().toISOString() };
    await this.#publish({ kind: "message", message });
  }

  /** Nicknames present in `room`, across instances, sorted. */
  members(room: string): string[] {
    const nicks = new Set<string>();
    for (const perNode of this.#presence.get(room)?.values() ?? []) for (const nick of perNode.keys()) nicks.add(nick);
    return [...nicks].sort((a, b) => a.localeCompare(b));
  }

  /** The last `limit` messages of `room`. */
  history(room: string, limit: number): ChatMessage[] {
    return this.#history.recent(room, limit);
  }

  /** Rooms that exist: the default room, rooms with history, rooms with members. */
  rooms(): Array<{ name: string; members: number; messages: number }> {
    const counts = this.#history.counts();
    const names = new Set([DEFAULT_ROOM, ...counts.keys(), ...[...this.#presence.keys()].filter((room) => this.members(room).length > 0)]);
    return [...names].sort().map((name) => ({ name, members: this.members(name).length, messages: counts.get(name) ?? 0 }));
  }

  /** Whether `room` exists (see `rooms()`). */
  knows(room: string): boolean {
    return this.rooms().some((r) => r.name === room);
  }

  async #publish(event: NetworkEvent): Promise<void> {
    await this.#network.publish(NETWORK_CHANNEL, JSON.stringify(event));
  }

  #toClients(room: string, event: ClientEvent): void {
    void this.#local.publish(`room:${room}`, JSON.stringify(event)).catch(() => undefined);
  }

  #notifyPresence(room: string): void {
    this.#toClients(room, { type: "presence", members: this.members(room) });
  }

  #count(room: string, node: string, nick: string, delta: number): void {
    const perRoom = this.#presence.get(room) ?? new Map<string, Map<string, number>>();
    this.#presence.set(room, perRoom);
    const perNode = perRoom.get(node) ?? new Map<string, number>();
    perRoom.set(node, perNode);
    const next = (perNode.get(nick) ?? 0) + delta;
    if (next > 0) perNode.set(nick, next);
    else perNode.delete(nick);
  }

  /** Tells every instance who is here, for each room with local members (used after a gap). */
  announcePresence(): void {
    for (const [room, perRoom] of this.#presence) {
      const nicks = [...(perRoom.get(this.node)?.keys() ?? [])];
      if (nicks.length > 0) void this.#publish({ kind: "presence", room, nicks, node: this.node }).catch(() => undefined);
    }
  }

  async #apply(events: Subscription): Promise<void> {
    try {
      for await (const raw of events) this.#applyOne(JSON.parse(String(raw)) as NetworkEvent);
    } catch (error) {
      console.error(`chat: stopped applying network events: ${(error as Error).message}`);
    }
  }

  #applyOne(event: NetworkEvent): void {
    if (event.kind === "message") {
      this.#history.append(event.message);
      this.#toClients(event.message.room, { type: "message", message: event.message });
      return;
    }
    if (event.node === this.node) return; // our own presence is applied when it happens
    if (event.kind === "presence") {
      const perRoom = this.#presence.get(event.room) ?? new Map<string, Map<string, number>>();
      this.#presence.set(event.room, perRoom);
      perRoom.set(event.node, new Map(event.nicks.map((nick) => [nick, 1])));
    } else {
      this.#count(event.room, event.node, event.nick, event.kind === "join" ? 1 : -1);
      if (event.kind === "join") {
        const mine = [...(this.#presence.get(event.room)?.get(this.node)?.keys() ?? [])];
        if (mine.length > 0) void this.#publish({ kind: "presence", room: event.room, nicks: mine, node: this.node }).catch(() => undefined);
      }
    }
    this.#notifyPresence(event.room);
  }
}
