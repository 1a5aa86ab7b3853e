import { TestClient } from "@sluice/testing";
import { describe, expect, it } from "vitest";
import { json, Router, text } from "../src/framework/index.js";

describe("Router", () => {
  it("passes path parameters to the handler", async () => {
    const router = new Router().get("/users/:user/posts/:post", (req) => json(req.params));
    const response = await new TestClient(router.app).get("/users/ada/posts/7");
    expect(response.json()).toEqual({ user: "ada", post: "7" });
  });

  it("answers HEAD with a GET route's headers", async () => {
    const router = new Router().get("/ping", () => text("pong"));
    const response = await new TestClient(router.app).request("HEAD", "/ping");
    expect(response.status).toBe(200);
    expect(response.header("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("turns an unexpected error into a 500 problem without leaking its message", async () => {
    const seen: unknown[] = [];
    const router = new Router({ onError: (error) => seen.push(error) }).get("/boom", () => {
      throw new Error("secret detail");
    });
    const response = await new TestClient(router.app).get("/boom");
    expect(response.status).toBe(500);
    expect(response.text()).not.toContain("secret detail");
    expect(seen).toHaveLength(1);
  });

  it("routes relative to the mount point", async () => {
    const router = new Router().get("/items", () => text("items"));
    const response = await new TestClient(router.app, { rootPath: "/api" }).get("/items");
    expect(response.text()).toBe("items");
  });
});
