import { describe, expect, it } from "vitest";
import { conformanceChecks, formatResults, runConformance } from "../src/index.js";
import { startToyServer } from "./toy-server.js";

describe("conformance suite against a correct toy adapter", () => {
  it("passes every check, skipping none", async () => {
    const results = await runConformance({ start: (app, options) => startToyServer(app, options), timeoutMs: 5000 });
    expect(formatResults(results.filter((result) => result.status !== "passed"))).toBe("");
    expect(results.map((result) => result.id)).toEqual(conformanceChecks.map((check) => check.id));
  }, 120_000);
});
