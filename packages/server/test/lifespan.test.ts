import { connect } from "node:net";
import type { App, LifespanScope } from "@sluice/core";
import { UnsupportedProtocol } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { LifespanStartupFailed, serve } from "../src/index.js";
import { deferred, MemoryLogger, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An app with a lifespan handler and an HTTP handler reporting `scope.state`. */
function lifespanApp(onStartup: (scope: LifespanScope) => Promise<void> | void, events: string[] = []): App {
  return async (scope, receive, send) => {
    if (scope.type === "lifespan") {
      for (;;) {
        const event = await receive();
        events.push(event.type);
        if (event.type === "lifespan.startup") {
          await onStartup(scope);
          await send({ type: "lifespan.startup.complete" });
        } else {
          await send({ type: "lifespan.shutdown.complete" });
          return;
        }
      }
    }
    if (scope.type !== "http") return;
    await send({ type: "http.response.start", status: 200 });
    await send({ type: "http.response.body", body: Buffer.from(JSON.stringify(scope.state ?? null)) });
  };
}

describe("lifespan", () => {
  it("runs startup before listening and gives each request a shallow copy of the state", async () => {
    server = await start(
      lifespanApp((scope) => {
        scope.state!["db"] = "connected";
      }),
      { lifespan: "on" },
    );
    const first = await fetch(server.url);
    expect(await first.json()).toEqual({ db: "connected" });
  });

  it("copies the state per request, so one request's changes do not leak into the next", async () => {
    const app: App = async (scope, receive, send) => {
      if (scope.type === "lifespan") {
        await receive();
        scope.state!["count"] = 0;
        await send({ type: "lifespan.startup.complete" });
        await receive();
        await send({ type: "lifespan.shutdown.complete" });
        return;
      }
      if (scope.type !== "http") return;
      const before = scope.state!["count"];
      scope.state!["count"] = 99;
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: Buffer.from(String(before)) });
    };
    server = await start(app, { lifespan: "on" });
    expect(await (await fetch(server.url)).text()).toBe("0");
    expect(await (await fetch(server.url)).text()).toBe("0");
  });

  it("does not accept connections until startup completes", async () => {
    const release = deferred();
    const port = await freePort();
    const serving = serve(
      lifespanApp(() => release.promise),
      { host: "127.0.0.1", port, lifespan: "on", accessLog: false, logger: new MemoryLogger() },
    );
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.on("error", () => resolve(true));
    });
    expect(refused).toBe(true);
    release.resolve();
    server = Object.assign(await serving, { logger: new MemoryLogger() });
    expect((await fetch(server.url)).status).toBe(200);
  });

  it("rejects serve() with LifespanStartupFailed carrying the app's message", async () => {
    const app: App = async (scope, receive, send) => {
      if (scope.type !== "lifespan") return;
      await receive();
      await send({ type: "lifespan.startup.failed", message: "database unreachable" });
    };
    const attempt = start(app, { lifespan: "auto" });
    await expect(attempt).rejects.toBeInstanceOf(LifespanStartupFailed);
    await expect(attempt).rejects.toThrow("database unreachable");
  });

  it("treats an exception during startup as 'unsupported' in auto mode and serves anyway", async () => {
    const app: App = async (scope, _receive, send) => {
      if (scope.type === "lifespan") throw new UnsupportedProtocol("lifespan");
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    };
    server = await start(app, { lifespan: "auto" });
    expect((await fetch(server.url)).status).toBe(204);
    expect(server.logger.text("info")).toContain("unsupported");
  });

  it("fails startup on an exception in 'on' mode", async () => {
    const app: App = (scope) => (scope.type === "lifespan" ? Promise.reject(new Error("no lifespan here")) : Promise.resolve());
    await expect(start(app, { lifespan: "on" })).rejects.toBeInstanceOf(LifespanStartupFailed);
  });

  it("never calls the app with a lifespan scope in 'off' mode", async () => {
    const types: string[] = [];
    const app: App = async (scope, _receive, send) => {
      types.push(scope.type);
      if (scope.type !== "http") return;
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    };
    server = await start(app, { lifespan: "off" });
    await fetch(server.url);
    await server.close();
    expect(types).toEqual(["http"]);
  });

  it("sends lifespan.shutdown only after in-flight requests finished", async () => {
    const order: string[] = [];
    const inRequest = deferred();
    const release = deferred();
    const app: App = async (scope, receive, send) => {
      if (scope.type === "lifespan") {
        await receive();
        await send({ type: "lifespan.startup.complete" });
        await receive();
        order.push("shutdown");
        await send({ type: "lifespan.shutdown.complete" });
        return;
      }
      if (scope.type !== "http") return;
      inRequest.resolve();
      await release.promise;
      order.push("request-done");
      await send({ type: "http.response.start", status: 200 });
      await send({ type: "http.response.body", body: Buffer.from("late") });
    };
    const running = await start(app, { lifespan: "on" });
    const response = fetch(running.url).then((r) => r.text());
    await inRequest.promise;
    const closing = running.close();
    release.resolve();
    expect(await response).toBe("late");
    await closing;
    expect(order).toEqual(["request-done", "shutdown"]);
  });
});

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
