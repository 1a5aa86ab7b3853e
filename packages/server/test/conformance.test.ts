import { formatResults, runConformance } from "@sluice/testing";
import { describe, expect, it } from "vitest";
import { serve } from "../src/index.js";
import { MemoryLogger } from "./helpers.js";

describe("@sluice/testing conformance suite", () => {
  it("passes every check that applies to this server", async () => {
    const results = await runConformance({
      start: (app, { lifespan }) =>
        serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: lifespan ? "on" : "off", logger: new MemoryLogger() }),
    });
    const failed = results.filter((result) => result.status === "failed");
    expect(failed, formatResults(failed)).toEqual([]);
    expect(results.filter((result) => result.status === "passed").length).toBeGreaterThan(10);
  }, 120_000);
});
