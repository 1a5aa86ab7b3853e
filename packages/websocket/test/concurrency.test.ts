import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { deferred, echoApp, startServer, waitUntil, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("many connections", () => {
  it("echoes on 1,000 concurrent connections, each getting its own messages back in order", async () => {
    server = await startServer(echoApp, { pingInterval: 0 });
    const connections = 1000;
    const messages = 10;
    const url = server.url;
    const allOpen = deferred();
    let open = 0;
    const sessions = Array.from(
      { length: connections },
      (_, id) =>
        new Promise<string[]>((resolve, reject) => {
          const client = new WebSocket(url);
          const replies: string[] = [];
          client.on("error", reject);
          client.on("open", () => {
            open += 1;
            if (open === connections) allOpen.resolve();
            // Nobody talks until every connection is open, so all 1,000 are live at once.
            void allOpen.promise.then(() => {
              for (let i = 0; i < messages; i++) client.send(`${id}:${i}`);
            });
          });
          client.on("message", (data: Buffer) => {
            replies.push(data.toString());
            if (replies.length === messages) client.close(1000);
          });
          client.on("close", () => resolve(replies));
        }),
    );
    await allOpen.promise;
    expect(server.handler.size).toBe(connections);
    const results = await Promise.all(sessions);
    for (const [id, replies] of results.entries()) {
      expect(replies).toEqual(Array.from({ length: messages }, (_, i) => `${id}:${i}`));
    }
    const handler = server.handler;
    await waitUntil(() => handler.size === 0, 20_000, "every server-side connection to close");
  }, 60_000);
});
