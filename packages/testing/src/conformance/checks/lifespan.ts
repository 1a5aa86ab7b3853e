import type { App } from "@sluice/core";
import type { ConformanceCheck, RunningTarget } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { drainBody, hostOf, respondText } from "./helpers.js";

export const lifespanChecks: ConformanceCheck[] = [
  {
    id: "lifespan.state",
    title: "State filled in at lifespan startup reaches every request as a shallow copy",
    async run(ctx) {
      let startupDone = false;
      let stateMissing = false;
      const app: App = async (scope, receive, send) => {
        if (scope.type === "lifespan") {
          for (;;) {
            const event = await receive();
            if (event.type === "lifespan.startup") {
              if (scope.state) scope.state["greeting"] = "hello";
              else stateMissing = true;
              startupDone = true;
              await send({ type: "lifespan.startup.complete" });
            } else if (event.type === "lifespan.shutdown") {
              await send({ type: "lifespan.shutdown.complete" });
              return;
            }
          }
        }
        if (scope.type !== "http") return;
        await drainBody(receive);
        const state = scope.state;
        const seen = state ? { greeting: state["greeting"] ?? null, marker: state["marker"] ?? null } : null;
        if (state) state["marker"] = "set by an earlier request";
        await respondText(send, 200, JSON.stringify(seen));
      };
      const target = await ctx.serve(app, { lifespan: true });
      ctx.expect(startupDone, "start() resolved before the app completed lifespan startup");
      ctx.expect(!stateMissing, "the lifespan scope has no state object");
      const client = await RawClient.open(ctx, target.url);
      await client.write(requestHead("GET", "/1", [["Host", hostOf(target.url)]]));
      const first = await client.readResponse();
      ctx.equal(JSON.parse(first.body.toString("latin1")), { greeting: "hello", marker: null }, "scope.state seen by the first request");
      await client.write(requestHead("GET", "/2", [["Host", hostOf(target.url)]]));
      const second = await client.readResponse({ offset: first.end });
      ctx.equal(JSON.parse(second.body.toString("latin1")), { greeting: "hello", marker: null }, "scope.state seen by the second request (a key one request adds must not leak to the next)");
    },
  },
  {
    id: "lifespan.startup-failed",
    title: "When the app sends lifespan.startup.failed, starting the server fails",
    async run(ctx) {
      const app: App = async (scope, receive, send) => {
        if (scope.type !== "lifespan") return;
        await receive();
        await send({ type: "lifespan.startup.failed", message: "conformance: deliberate startup failure" });
      };
      let target: RunningTarget;
      try {
        target = await ctx.serve(app, { lifespan: true });
      } catch {
        return;
      }
      await target.close();
      ctx.fail("start() resolved although the app sent lifespan.startup.failed");
    },
  },
  {
    id: "lifespan.shutdown",
    title: "Closing the server sends lifespan.shutdown and waits for lifespan.shutdown.complete",
    async run(ctx) {
      const events: string[] = [];
      const app: App = async (scope, receive, send) => {
        if (scope.type !== "lifespan") return;
        for (;;) {
          const event = await receive();
          events.push(event.type);
          if (event.type === "lifespan.startup") await send({ type: "lifespan.startup.complete" });
          else {
            await new Promise((resolve) => setImmediate(resolve));
            events.push("shutdown finished");
            await send({ type: "lifespan.shutdown.complete" });
            return;
          }
        }
      };
      const target = await ctx.serve(app, { lifespan: true });
      await ctx.wait(target.close(), "close() to finish");
      ctx.equal(events, ["lifespan.startup", "lifespan.shutdown", "shutdown finished"], "lifespan events by the time close() resolved");
    },
  },
];
