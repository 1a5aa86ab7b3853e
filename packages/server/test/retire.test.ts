import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startServer, type SupervisedServer } from "../src/serve.js";
import { httpApp, MemoryLogger, RawClient, readBody } from "./helpers.js";

// retire() is how a worker replaced by the supervisor (SIGHUP rolling restart,
// --limit-max-requests recycling) stops: it must never close an idle keep-alive connection
// under a proxy's feet, because the proxy may be writing a request on it at that moment.

const echoApp = httpApp(async (scope, receive, send) => {
  const body = await readBody(receive);
  await send({ type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] });
  await send({ type: "http.response.body", body: Buffer.from(`${scope.method} ${scope.path} ${body.length}`) });
});

async function startRetirable(options: { timeoutGracefulShutdown?: number | null; timeoutKeepAlive?: number } = {}): Promise<SupervisedServer> {
  return startServer(echoApp, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logger: new MemoryLogger(), timeoutKeepAlive: 60, ...options }, null);
}

async function idleKeepAliveConnection(port: number): Promise<RawClient> {
  const client = await RawClient.open(port);
  client.write("GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
  const [first] = await client.responses(1);
  expect(first?.headers.find(([name]) => name === "connection")?.[1]).not.toBe("close");
  return client;
}

function connectionRefused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

describe("retiring a replaced worker's server", () => {
  it("answers a POST written on an idle keep-alive connection after retiring, with Connection: close", async () => {
    const server = await startRetirable();
    const client = await idleKeepAliveConnection(server.port);
    const retired = server.retire();
    // The connection is still open: the request a proxy sends on it now is served, not reset.
    client.write("POST /late HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
    const responses = await client.responses(2);
    expect(responses[1]?.status).toBe(200);
    expect(responses[1]?.body).toBe("POST /late 5");
    expect(responses[1]?.headers).toContainEqual(["connection", "close"]);
    await client.closed;
    await retired;
  });

  it("stops accepting new connections as soon as it retires", async () => {
    const server = await startRetirable();
    const client = await idleKeepAliveConnection(server.port);
    const retired = server.retire();
    expect(await connectionRefused(server.port)).toBe("ECONNREFUSED");
    client.destroy();
    await retired;
  });

  it("finishes once the peer closes its idle keep-alive connection", async () => {
    const server = await startRetirable({ timeoutGracefulShutdown: null });
    const client = await idleKeepAliveConnection(server.port);
    let finished = false;
    const retired = server.retire().then(() => {
      finished = true;
    });
    // Still open after a full round trip on another socket to the event loop: nothing closed it.
    await connectionRefused(server.port);
    expect(finished).toBe(false);
    client.socket.end();
    await retired;
    expect(finished).toBe(true);
  });

  it("closes connections still idle at the graceful-shutdown deadline", async () => {
    const server = await startRetirable({ timeoutGracefulShutdown: 0.3 });
    const client = await idleKeepAliveConnection(server.port);
    const started = performance.now();
    await server.retire();
    await client.closed;
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("closes idle connections at once when close() follows retire()", async () => {
    const server = await startRetirable({ timeoutGracefulShutdown: null });
    const client = await idleKeepAliveConnection(server.port);
    const retired = server.retire();
    await connectionRefused(server.port);
    await server.close();
    await client.closed;
    await retired;
  });

  it("still closes idle keep-alive connections at once on a plain close()", async () => {
    const server = await startRetirable({ timeoutGracefulShutdown: null });
    const client = await idleKeepAliveConnection(server.port);
    await server.close();
    await client.closed;
  });
});
