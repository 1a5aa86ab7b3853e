import { describe, expect, it } from "vitest";
import { deferred, httpApp, RawClient, readBody, start } from "./helpers.js";

describe("graceful shutdown", () => {
  it("lets every in-flight request finish: zero failures", async () => {
    const arrived: Array<() => void> = [];
    const allArrived = deferred();
    const total = 20;
    const server = await start(
      httpApp(async (scope, receive, send) => {
        await readBody(receive);
        await new Promise<void>((resolve) => {
          arrived.push(resolve);
          if (arrived.length === total) allArrived.resolve();
        });
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(scope.path), more_body: true });
        await send({ type: "http.response.body", body: Buffer.from("!") });
      }),
    );
    const requests = Array.from({ length: total }, (_, i) => fetch(`${server.url}/r${i}`).then(async (r) => `${r.status} ${await r.text()}`));
    await allArrived.promise;
    const closing = server.close();
    for (const resolve of arrived) resolve();
    const results = await Promise.all(requests);
    await closing;
    expect(results).toEqual(Array.from({ length: total }, (_, i) => `200 /r${i}!`));
  });

  it("stops accepting new connections once close() is called", async () => {
    const inFlight = deferred();
    const release = deferred();
    const server = await start(
      httpApp(async (_scope, _receive, send) => {
        inFlight.resolve();
        await release.promise;
        await send({ type: "http.response.start", status: 204 });
        await send({ type: "http.response.body" });
      }),
    );
    const pending = fetch(server.url);
    await inFlight.promise;
    const closing = server.close();
    await expect(fetch(server.url, { headers: { connection: "close" } })).rejects.toThrow();
    release.resolve();
    expect((await pending).status).toBe(204);
    await closing;
  });

  it("closes idle keep-alive connections immediately", async () => {
    const server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 204 });
        await send({ type: "http.response.body" });
      }),
      { timeoutKeepAlive: 60 },
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await client.responses(1);
    const started = performance.now();
    await server.close();
    await client.closed;
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("sends Connection: close on responses finished during shutdown", async () => {
    const inFlight = deferred();
    const release = deferred();
    const server = await start(
      httpApp(async (_scope, _receive, send) => {
        inFlight.resolve();
        await release.promise;
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("bye") });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await inFlight.promise;
    const closing = server.close();
    release.resolve();
    const [response] = await client.responses(1);
    expect(response?.headers).toContainEqual(["connection", "close"]);
    await client.closed;
    await closing;
  });

  it("closes connections by force after timeoutGracefulShutdown", async () => {
    const inFlight = deferred();
    const server = await start(
      httpApp(async (_scope, receive) => {
        inFlight.resolve();
        // Never answers; waits for the disconnect the forced close causes.
        while ((await receive()).type !== "http.disconnect");
      }),
      { timeoutGracefulShutdown: 0.2 },
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await inFlight.promise;
    await server.close();
    await client.closed;
    expect(server.logger.text("warning")).toContain("timed out");
  });

  it("resolves closed after close() and is idempotent", async () => {
    const server = await start(httpApp(() => Promise.resolve()));
    const first = server.close();
    const second = server.close();
    expect(second).toBe(first);
    await first;
    await expect(server.closed).resolves.toBeUndefined();
  });
});
