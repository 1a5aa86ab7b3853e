import { UnsupportedProtocol } from "@sluice/core";
import type { App } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { respond } from "../test/apps.js";
import { LifespanFailed } from "./errors.js";
import { TestClient } from "./test-client.js";

const events: string[] = [];
const app: App = async (scope, receive, send) => {
  if (scope.type === "lifespan") {
    for (;;) {
      const event = await receive();
      events.push(event.type);
      if (event.type === "lifespan.startup") {
        scope.state!["greeting"] = "hello";
        await send({ type: "lifespan.startup.complete" });
      } else {
        await send({ type: "lifespan.shutdown.complete" });
        return;
      }
    }
  }
  if (scope.type !== "http") return;
  const state = scope.state ?? {};
  const seen = JSON.stringify(state);
  state["mutated"] = true;
  await respond(send, 200, seen);
};

describe("TestClient lifespan", () => {
  it("startup resolves with the state the app filled in", async () => {
    const lifespan = new TestClient(app).lifespan();
    expect(await lifespan.startup()).toEqual({ greeting: "hello" });
    await lifespan.shutdown();
  });

  it("passes a shallow copy of the state into each request scope", async () => {
    const client = new TestClient(app);
    const lifespan = client.lifespan();
    await lifespan.startup();
    expect((await client.get("/")).json()).toEqual({ greeting: "hello" });
    expect((await client.get("/")).json()).toEqual({ greeting: "hello" });
    await lifespan.shutdown();
  });

  it("shutdown sends lifespan.shutdown and stops passing state", async () => {
    events.length = 0;
    const client = new TestClient(app);
    await client.withLifespan(() => Promise.resolve());
    expect(events).toEqual(["lifespan.startup", "lifespan.shutdown"]);
    expect(client.state).toBeUndefined();
    expect((await client.get("/")).json()).toEqual({});
  });

  it("withLifespan hands the state to its callback", async () => {
    const greeting = await new TestClient(app).withLifespan((state) => Promise.resolve(state["greeting"]));
    expect(greeting).toBe("hello");
  });

  it("rejects startup with LifespanFailed carrying the app's message", async () => {
    const failing: App = async (_scope, receive, send) => {
      await receive();
      await send({ type: "lifespan.startup.failed", message: "database unreachable" });
    };
    const error = await new TestClient(failing).lifespan().startup().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LifespanFailed);
    expect((error as Error).message).toBe("lifespan startup failed: database unreachable");
  });

  it("rejects startup with LifespanFailed when the app throws", async () => {
    const throwing: App = () => Promise.reject(new Error("config missing"));
    await expect(new TestClient(throwing).lifespan().startup()).rejects.toThrow("lifespan startup failed: Error: config missing");
  });

  it("treats UnsupportedProtocol as lifespan not supported", async () => {
    const noLifespan: App = (scope) => Promise.reject(new UnsupportedProtocol(scope.type));
    const lifespan = new TestClient(noLifespan).lifespan();
    expect(await lifespan.startup()).toEqual({});
    expect(lifespan.supported).toBe(false);
    await lifespan.shutdown();
  });

  it("treats an app that returns without answering lifespan.startup as lifespan not supported", async () => {
    const httpOnly: App = () => Promise.resolve();
    const lifespan = new TestClient(httpOnly).lifespan();
    expect(await lifespan.startup()).toEqual({});
    expect(lifespan.supported).toBe(false);
  });

  it("rejects shutdown with LifespanFailed on lifespan.shutdown.failed", async () => {
    const failing: App = async (_scope, receive, send) => {
      await receive();
      await send({ type: "lifespan.startup.complete" });
      await receive();
      await send({ type: "lifespan.shutdown.failed", message: "flush timed out" });
    };
    const lifespan = new TestClient(failing).lifespan();
    await lifespan.startup();
    await expect(lifespan.shutdown()).rejects.toThrow("lifespan shutdown failed: flush timed out");
  });
});
