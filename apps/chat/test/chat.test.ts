import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { ChatClient, refusedHandshake, startChat } from "./chat-server.js";

let chat: Awaited<ReturnType<typeof startChat>> | undefined;
const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await chat?.close();
  chat = undefined;
});

async function join(room: string, nick: string, headers: Record<string, string> = {}): Promise<ChatClient> {
  const client = await ChatClient.connect(chat!.wsUrl, room, nick, headers);
  clients.push(client);
  return client;
}

describe("chat over WebSocket", () => {
  it("welcomes a member with the room's presence list", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    const welcome = await ada.next("welcome");
    expect(welcome).toMatchObject({ room: "lobby", nick: "ada", members: ["ada"], history: [] });
  });

  it("broadcasts a message to everyone in the room and to nobody elsewhere", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    const bob = await join("lobby", "bob");
    const eve = await join("other", "eve");
    await Promise.all([ada.next("welcome"), bob.next("welcome"), eve.next("welcome")]);
    ada.say("hello bob");
    expect((await bob.next("message")).message).toMatchObject({ nick: "ada", text: "hello bob", room: "lobby" });
    expect((await ada.next("message")).message.text).toBe("hello bob");
    eve.say("only here");
    expect((await eve.next("message")).message.text).toBe("only here");
    bob.say("second");
    expect((await ada.next("message")).message.text).toBe("second"); // not "only here"
  });

  it("updates the presence list when members join and leave", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    const bob = await join("lobby", "bob");
    await ada.presence(["ada", "bob"]);
    await bob.close();
    await ada.presence(["ada"]);
  });

  it("sends recent history to a member who joins later", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    ada.say("first");
    await ada.next("message");
    const bob = await join("lobby", "bob");
    expect((await bob.next("welcome")).history.map((m) => m.text)).toEqual(["first"]);
  });

  it("answers a message over the size limit with an error and keeps the connection", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    ada.say("x".repeat(2001));
    expect((await ada.next("error")).message).toBe("messages are at most 2000 characters");
    ada.say("still here");
    expect((await ada.next("message")).message.text).toBe("still here");
  });

  it("answers malformed JSON with an error event", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    ada.socket.send("not json");
    expect((await ada.next("error")).message).toMatch(/send JSON like/);
  });

  it("closes with 1009 when a frame is far beyond any chat message", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    const closed = new Promise<number>((resolve) => ada.socket.once("close", (code) => resolve(code)));
    ada.socket.send("y".repeat(100_000));
    expect(await closed).toBe(1009);
  });

  it("refuses a nickname that breaks the rules with 400 and a JSON reason", async () => {
    chat = await startChat();
    const refused = await refusedHandshake(chat.wsUrl, "room=lobby&nick=%3Cscript%3E");
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({
      error: "nicknames start with a letter or digit and use only letters, digits, spaces, '_', '.' and '-'",
    });
  });

  it("refuses a bad room name with 400", async () => {
    chat = await startChat();
    const refused = await refusedHandshake(chat.wsUrl, "room=Not%20A%20Room!&nick=ada");
    expect(refused.status).toBe(400);
  });

  it("refuses a handshake from a foreign origin with 403", async () => {
    chat = await startChat();
    const refused = await refusedHandshake(chat.wsUrl, "room=lobby&nick=ada", { origin: "http://evil.example" });
    expect(refused.status).toBe(403);
  });

  it("accepts a handshake from an allowed cross origin", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada", { origin: "http://allowed.example" });
    expect((await ada.next("welcome")).nick).toBe("ada");
  });
});

describe("chat JSON API", () => {
  it("lists rooms with member and message counts", async () => {
    chat = await startChat();
    const ada = await join("games", "ada");
    await ada.next("welcome");
    ada.say("gg");
    await ada.next("message");
    const body = (await (await fetch(`${chat.url}/api/rooms`)).json()) as { rooms: unknown[] };
    expect(body.rooms).toEqual([
      { name: "games", members: 1, messages: 1 },
      { name: "lobby", members: 0, messages: 0 },
    ]);
  });

  it("returns the last N messages of a room", async () => {
    chat = await startChat();
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    for (const text of ["one", "two", "three"]) {
      ada.say(text);
      await ada.next("message");
    }
    const response = await fetch(`${chat.url}/api/rooms/lobby/history?limit=2`);
    const body = (await response.json()) as { messages: Array<{ text: string }> };
    expect(body.messages.map((m) => m.text)).toEqual(["two", "three"]);
  });

  it("answers 404 JSON for an unknown room", async () => {
    chat = await startChat();
    const response = await fetch(`${chat.url}/api/rooms/nowhere/history`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ error: 'there is no room called "nowhere"' });
  });

  it("answers 400 JSON for a limit out of range", async () => {
    chat = await startChat();
    const response = await fetch(`${chat.url}/api/rooms/lobby/history?limit=0`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "limit must be a whole number from 1 to 200" });
  });

  it("answers 405 for a write method", async () => {
    chat = await startChat();
    const response = await fetch(`${chat.url}/api/rooms`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("allows the configured origin by CORS and no other", async () => {
    chat = await startChat();
    const allowed = await fetch(`${chat.url}/api/rooms`, { headers: { origin: "http://allowed.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://allowed.example");
    const other = await fetch(`${chat.url}/api/rooms`, { headers: { origin: "http://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("chat web page", () => {
  it("serves the page and points it at content-hashed assets", async () => {
    chat = await startChat();
    const response = await fetch(`${chat.url}/`);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    expect(await response.text()).toMatch(/src="\/assets\/app\.[0-9a-f]{10}\.js"/);
  });

  it("serves hashed assets as immutable and precompressed with brotli", async () => {
    chat = await startChat();
    const html = await (await fetch(`${chat.url}/`)).text();
    const script = /src="(\/assets\/app\.[0-9a-f]{10}\.js)"/.exec(html)?.[1] ?? "";
    const response = await fetch(`${chat.url}${script}`, { headers: { "accept-encoding": "br" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("content-encoding")).toBe("br");
  });

  it("answers 404 for a missing file", async () => {
    chat = await startChat();
    expect((await fetch(`${chat.url}/nothing-here.txt`)).status).toBe(404);
  });
});

describe("chat lifespan", () => {
  it("saves history at shutdown and loads it at the next startup", async () => {
    chat = await startChat();
    const historyFile = chat.historyFile;
    const ada = await join("lobby", "ada");
    await ada.next("welcome");
    ada.say("remember me");
    await ada.next("message");
    await ada.close();
    clients.length = 0;
    await chat.close();
    const saved = JSON.parse(await readFile(historyFile, "utf8")) as Record<string, Array<{ text: string }>>;
    expect(saved.lobby?.[0]?.text).toBe("remember me");
    chat = await startChat({ historyFile });
    const body = (await (await fetch(`${chat.url}/api/rooms/lobby/history`)).json()) as { messages: Array<{ text: string }> };
    expect(body.messages.map((m) => m.text)).toEqual(["remember me"]);
  });
});
