import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { closeOf, connect, disconnectApp, type TestServer, startServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});


/** Resolves after the client has seen `count` pings. */
function pings(client: WebSocket, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    client.on("ping", () => {
      seen += 1;
      if (seen === count) resolve();
    });
  });
}

describe("keepalive pings", () => {
  it("terminates a peer that stops answering pings, and the app gets disconnect 1006", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app, { pingInterval: 100, pingTimeout: 200 });
    const client = await connect(server.url, [], { autoPong: false });
    const closed = closeOf(client);
    expect(await disconnect).toEqual({ type: "websocket.disconnect", code: 1006, reason: "" });
    expect((await closed).code).toBe(1006);
    expect(server.handler.size).toBe(0);
  });

  it("keeps a peer that answers pings connected", async () => {
    const { app, disconnect } = disconnectApp();
    server = await startServer(app, { pingInterval: 50, pingTimeout: 100 });
    const client = await connect(server.url);
    let ended = false;
    void disconnect.then(() => {
      ended = true;
    });
    // Six pings span several timeouts: a peer that answers is never dropped.
    await pings(client, 6);
    expect(ended).toBe(false);
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close(1000);
    expect(await disconnect).toMatchObject({ code: 1000 });
  });

  it("sends no pings when pingInterval is 0", async () => {
    const { app } = disconnectApp();
    server = await startServer(app, { pingInterval: 0, pingTimeout: 10 });
    const pinging = await startServer(disconnectApp().app, { pingInterval: 20, pingTimeout: 1_000 });
    try {
      const client = await connect(server.url, [], { autoPong: false });
      let pinged = false;
      client.on("ping", () => {
        pinged = true;
      });
      // A neighbour server pinging every 20 ms shows enough time passed for pings to be due.
      const reference = await connect(pinging.url);
      await pings(reference, 5);
      expect(pinged).toBe(false);
      expect(client.readyState).toBe(WebSocket.OPEN);
      client.close();
      reference.close();
    } finally {
      await pinging.close();
    }
  });
});
