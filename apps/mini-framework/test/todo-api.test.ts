import { gunzipSync } from "node:zlib";
import { TestClient } from "@sluice/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { createTodoApp } from "../src/app.js";

let client: TestClient;
beforeEach(() => {
  client = new TestClient(createTodoApp({ allowOrigins: ["https://todo.example"] }));
});

describe("the todo REST API", () => {
  it("creates a todo and answers 201 with its location", async () => {
    const response = await client.post("/todos", { body: { title: "write the tutorial" } });
    expect(response.status).toBe(201);
    expect(response.header("location")).toBe("/todos/1");
    expect(response.json()).toMatchObject({ id: 1, title: "write the tutorial", done: false });
  });

  it("lists todos and filters them by done", async () => {
    await client.post("/todos", { body: { title: "a" } });
    await client.post("/todos", { body: { title: "b" } });
    await client.patch("/todos/2", { body: { done: true } });
    expect((await client.get("/todos")).json()).toHaveLength(2);
    const done = (await client.get("/todos", { query: { done: "true" } })).json<Array<{ title: string }>>();
    expect(done.map((t) => t.title)).toEqual(["b"]);
  });

  it("reads one todo by id", async () => {
    await client.post("/todos", { body: { title: "read me" } });
    expect((await client.get("/todos/1")).json()).toMatchObject({ id: 1, title: "read me" });
  });

  it("updates a todo with PATCH", async () => {
    await client.post("/todos", { body: { title: "old" } });
    const response = await client.patch("/todos/1", { body: { title: "new", done: true } });
    expect(response.json()).toMatchObject({ title: "new", done: true });
  });

  it("deletes a todo and then answers 404 for it", async () => {
    await client.post("/todos", { body: { title: "short-lived" } });
    expect((await client.delete("/todos/1")).status).toBe(204);
    const missing = await client.get("/todos/1");
    expect(missing.status).toBe(404);
    expect(missing.header("content-type")).toBe("application/problem+json");
    expect(missing.json()).toMatchObject({ status: 404, title: "Not Found", detail: "no todo with id 1" });
  });

  it("rejects an empty title with 422 naming the field", async () => {
    const response = await client.post("/todos", { body: { title: "  " } });
    expect(response.status).toBe(422);
    expect(response.json()).toMatchObject({ detail: "title must be a non-empty string", field: "title" });
  });

  it("rejects unknown fields on PATCH with 422", async () => {
    await client.post("/todos", { body: { title: "x" } });
    const response = await client.patch("/todos/1", { body: { priority: 1 } });
    expect(response.status).toBe(422);
    expect(response.json()).toMatchObject({ detail: 'unknown field "priority"' });
  });

  it("rejects malformed JSON with 400", async () => {
    const response = await client.post("/todos", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.json<{ detail: string }>().detail).toMatch(/^the body is not valid JSON/);
  });

  it("rejects a non-JSON content type with 415", async () => {
    const response = await client.post("/todos", { body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(415);
  });

  it("rejects a body over 16 KiB with 413", async () => {
    const response = await client.post("/todos", { body: { title: "x".repeat(20_000) } });
    expect(response.status).toBe(413);
  });

  it("rejects a non-numeric id with 400", async () => {
    expect((await client.get("/todos/abc")).status).toBe(400);
  });

  it("answers 405 with Allow for a known path and a wrong method", async () => {
    const response = await client.put("/todos");
    expect(response.status).toBe(405);
    expect(response.header("allow")).toBe("GET, HEAD, POST");
  });

  it("answers 404 problem JSON for an unknown path", async () => {
    const response = await client.get("/nope");
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ detail: "nothing lives at /nope" });
  });

  it("adds CORS headers for the allowed origin", async () => {
    const response = await client.get("/todos", { headers: { origin: "https://todo.example" } });
    expect(response.header("access-control-allow-origin")).toBe("https://todo.example");
  });

  it("compresses large listings for clients that accept gzip", async () => {
    for (let i = 0; i < 40; i++) await client.post("/todos", { body: { title: `todo number ${i} with some words` } });
    const response = await client.get("/todos", { headers: { "accept-encoding": "gzip" } });
    expect(response.header("content-encoding")).toBe("gzip");
    expect(JSON.parse(gunzipSync(response.body).toString())).toHaveLength(40);
  });
});
