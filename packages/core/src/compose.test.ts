import { describe, expect, it } from "vitest";
import type { App, Middleware } from "./app.js";
import { compose } from "./compose.js";
import { httpScope } from "../test/support.js";

function tracing(name: string, log: string[]): Middleware {
  return (app) => async (scope, receive, send) => {
    log.push(`${name} in`);
    await app(scope, receive, send);
    log.push(`${name} out`);
  };
}

const run = (app: App): Promise<void> =>
  app(httpScope(), () => Promise.resolve({ type: "http.disconnect" }), () => Promise.resolve());

describe("compose", () => {
  it("runs middleware outermost first on the way in and last on the way out", async () => {
    const log: string[] = [];
    const inner: App = () => {
      log.push("app");
      return Promise.resolve();
    };
    await run(compose(tracing("a", log), tracing("b", log), tracing("c", log))(inner));
    expect(log).toEqual(["a in", "b in", "c in", "app", "c out", "b out", "a out"]);
  });

  it("returns the app itself when given no middleware", () => {
    const inner: App = () => Promise.resolve();
    expect(compose()(inner)).toBe(inner);
  });

  it("lets a middleware rewrite the events the inner app sends", async () => {
    const sent: unknown[] = [];
    const addHeader: Middleware = (app) => (scope, receive, send) =>
      app(scope, receive, (event) =>
        send(event.type === "http.response.start" ? { ...event, headers: [...(event.headers ?? []), ["x-powered-by", "sluice"]] } : event),
      );
    const inner: App = async (_scope, _receive, send) => {
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    };
    await compose(addHeader)(inner)(httpScope(), () => Promise.resolve({ type: "http.disconnect" }), (event) => {
      sent.push(event);
      return Promise.resolve();
    });
    expect(sent[0]).toEqual({ type: "http.response.start", status: 204, headers: [["x-powered-by", "sluice"]] });
  });
});
