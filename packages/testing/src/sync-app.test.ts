import type { SyncApp } from "@sluice/core";
import { describe, expect, it } from "vitest";
import { TestClient } from "./test-client.js";

const encoder = new TextEncoder();

const hello: SyncApp = (environ, startResponse) => {
  const body = environ["wsgi.input"].read();
  startResponse("200 OK", [["Content-Type", "application/json"], ["X-Sync", "yes"]]);
  const description = {
    method: environ.REQUEST_METHOD,
    path: environ.PATH_INFO,
    query: environ.QUERY_STRING,
    agent: environ["HTTP_USER_AGENT"],
    body: new TextDecoder().decode(body),
  };
  return [encoder.encode(JSON.stringify(description))];
};

describe("TestClient with sync apps", () => {
  it("detects a sync app and runs it in-process through the bridge's inline mode", async () => {
    const response = await new TestClient(hello).get("/caf%C3%A9", { query: { q: "1" } });
    expect(response.status).toBe(200);
    expect(response.header("x-sync")).toBe("yes");
    expect(response.json()).toMatchObject({ method: "GET", query: "q=1", agent: "sluice-testclient" });
  });

  it("passes the request body to wsgi.input", async () => {
    const response = await new TestClient(hello).post("/", { body: "posted text" });
    expect(response.json()).toMatchObject({ method: "POST", body: "posted text" });
  });

  it("runs a sync app given with interface: 'sync' even when its signature is unusual", async () => {
    const restParameters = (...args: Parameters<SyncApp>): ReturnType<SyncApp> => {
      args[1]("204 No Content", []);
      return [];
    };
    const response = await new TestClient(restParameters, { interface: "sync" }).get("/");
    expect(response.status).toBe(204);
  });

  it("rethrows an exception the sync app raises", async () => {
    const failing: SyncApp = () => {
      throw new Error("sync failure");
    };
    await expect(new TestClient(failing).get("/")).rejects.toThrow("sync failure");
  });

  it("returns the bridge's 500 for a failing sync app when raiseAppExceptions is false", async () => {
    const failing: SyncApp = () => {
      throw new Error("sync failure");
    };
    const response = await new TestClient(failing, { raiseAppExceptions: false }).get("/");
    expect(response.status).toBe(500);
  });

  it("runs lifespan startup and shutdown for a sync app with empty state", async () => {
    const client = new TestClient(hello);
    const lifespan = client.lifespan();
    expect(await lifespan.startup()).toEqual({});
    expect((await client.get("/")).status).toBe(200);
    await lifespan.shutdown();
  });
});
