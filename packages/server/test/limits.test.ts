import { describe, expect, it } from "vitest";
import type { HTTPReceiveEvent } from "@sluice/core";
import { deferred, httpApp, RawClient, start } from "./helpers.js";

describe("limitConcurrency", () => {
  it("answers 503 to requests beyond the limit and serves again once capacity frees up", async () => {
    const release = deferred();
    const entered = deferred();
    const server = await start(
      httpApp(async (_scope, _receive, send) => {
        entered.resolve();
        await release.promise;
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("slow") });
      }),
      { limitConcurrency: 1 },
    );
    const first = fetch(server.url);
    await entered.promise;
    const second = await fetch(server.url);
    expect(second.status).toBe(503);
    release.resolve();
    expect((await first).status).toBe(200);
    expect((await fetch(server.url)).status).toBe(200);
    await server.close();
  });
});

describe("limitMaxRequests", () => {
  it("shuts the server down gracefully after that many requests", async () => {
    const server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("ok") });
      }),
      { limitMaxRequests: 3 },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(server.url, { headers: { connection: "close" } })).status);
    expect(statuses).toEqual([200, 200, 200]);
    await server.closed;
    expect(server.logger.text("warning")).toContain("Maximum request limit of 3");
    await expect(fetch(server.url)).rejects.toThrow();
  });
});

describe("timeoutBody", () => {
  it("answers 408 and gives the app http.disconnect when the request body stalls", async () => {
    const events: HTTPReceiveEvent[] = [];
    const done = deferred();
    const server = await start(
      httpApp(async (_scope, receive) => {
        for (;;) {
          const event = await receive();
          events.push(event);
          if (event.type !== "http.request" || !event.more_body) break;
        }
        done.resolve();
      }),
      { timeoutBody: 0.2 },
    );
    const client = await RawClient.open(server.port);
    client.write("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    const text = await client.readToEnd();
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    await done.promise;
    expect(events.map((event) => event.type)).toEqual(["http.request", "http.disconnect"]);
    expect(Buffer.from((events[0] as { body: Uint8Array }).body).toString()).toBe("abc");
    expect(server.logger.text("warning")).toMatch(/stalled .*timeoutBody/);
    await server.close();
  });

  it("restarts the timeoutBody clock at every wait, so a slow but steady body is not cut", async () => {
    const pieces = ["ab", "cd", "ef", "gh", "ij"];
    const received: string[] = [];
    let pieceArrived = deferred();
    const server = await start(
      httpApp(async (_scope, receive, send) => {
        for (;;) {
          const event = await receive();
          if (event.type !== "http.request") {
            pieceArrived.resolve();
            return;
          }
          if (event.body.length > 0) received.push(Buffer.from(event.body).toString());
          pieceArrived.resolve();
          if (!event.more_body) break;
        }
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(received.join("")) });
      }),
      { timeoutBody: 0.3 },
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
    const started = performance.now();
    for (const piece of pieces) {
      // Pacing, not synchronisation: each gap stays under timeoutBody, the whole body does not.
      await new Promise((resolve) => setTimeout(resolve, 120));
      pieceArrived = deferred();
      client.write(piece);
      await pieceArrived.promise;
    }
    const [response] = await client.responses(1);
    expect(performance.now() - started).toBeGreaterThan(300);
    expect(response).toMatchObject({ status: 200, body: "abcdefghij" });
    client.destroy();
    await server.close();
  });

  it("does not count the time the app spends between receive() calls against timeoutBody", async () => {
    const firstPiece = deferred();
    const server = await start(
      httpApp(async (_scope, receive, send) => {
        const first = await receive();
        firstPiece.resolve();
        // The app is busy for longer than timeoutBody while the rest of the body has arrived.
        await new Promise((resolve) => setTimeout(resolve, 400));
        let body = first.type === "http.request" ? Buffer.from(first.body).toString() : "";
        for (let event = first; event.type === "http.request" && event.more_body; ) {
          event = await receive();
          if (event.type === "http.request") body += Buffer.from(event.body).toString();
        }
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from(body) });
      }),
      { timeoutBody: 0.2 },
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    await firstPiece.promise;
    client.write("defghij");
    const [response] = await client.responses(1);
    expect(response).toMatchObject({ status: 200, body: "abcdefghij" });
    client.destroy();
    await server.close();
  });

  it("closes the connection when the body stalls after the app started its response", async () => {
    const disconnected = deferred();
    const server = await start(
      httpApp(async (_scope, receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("streaming "), more_body: true });
        while ((await receive()).type !== "http.disconnect");
        disconnected.resolve();
      }),
      { timeoutBody: 0.2 },
    );
    const client = await RawClient.open(server.port);
    client.write("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    await disconnected.promise;
    const text = await client.readToEnd();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).not.toMatch(/0\r\n\r\n$/);
    await server.close();
  });
});

describe("option validation", () => {
  it("rejects a timeoutBody that is not a positive number of seconds", async () => {
    await expect(start(httpApp(() => Promise.resolve()), { timeoutBody: 0 })).rejects.toMatchObject({ code: "ERR_INVALID_SERVER_OPTION", option: "timeoutBody" });
  });

  it("rejects an invalid option with InvalidServerOption naming it", async () => {
    await expect(start(httpApp(() => Promise.resolve()), { port: -1 })).rejects.toMatchObject({ code: "ERR_INVALID_SERVER_OPTION", option: "port" });
  });

  it("rejects an unknown lifespan mode", async () => {
    await expect(start(httpApp(() => Promise.resolve()), { lifespan: "maybe" as "on" })).rejects.toThrow(/lifespan/);
  });

  it("rejects a malformed CIDR in forwardedAllowIps", async () => {
    await expect(start(httpApp(() => Promise.resolve()), { forwardedAllowIps: "10.0.0.0/99" })).rejects.toThrow(/CIDR/);
  });
});
