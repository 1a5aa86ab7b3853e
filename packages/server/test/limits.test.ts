import { describe, expect, it } from "vitest";
import { deferred, httpApp, start } from "./helpers.js";

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

describe("option validation", () => {
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
