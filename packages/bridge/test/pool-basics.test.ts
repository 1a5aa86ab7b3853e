import { afterAll, describe, expect, it } from "vitest";
import { workerPoolApp } from "../src/index.js";
import { callApp, fixture } from "./helpers/app-client.js";

const apps = new Map<string, ReturnType<typeof workerPoolApp>>();
function pooled(exportName: string) {
  let app = apps.get(exportName);
  if (app === undefined) {
    app = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName, workers: 1, onError: () => undefined });
    apps.set(exportName, app);
  }
  return app;
}
afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
});

describe("workerPoolApp basics", () => {
  it("answers a hello-world sync app through a worker", async () => {
    const outcome = await callApp(pooled("hello"));
    expect(outcome.status).toBe(200);
    expect(outcome.headers).toEqual([["content-type", "text/plain"]]);
    expect(outcome.body.toString()).toBe("Hello, world!");
  });
});
