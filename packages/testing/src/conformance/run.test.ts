import { describe, expect, it } from "vitest";
import { conformanceChecks } from "./checks/index.js";
import { formatResults, runCheck, selectChecks } from "./run.js";
import type { ConformanceCheck } from "./types.js";

const neverStarts = () => Promise.reject(new Error("no server in this test"));

describe("conformance runner", () => {
  it("gives every check a unique id and a title", () => {
    const ids = conformanceChecks.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(conformanceChecks.every((check) => check.title.length > 10)).toBe(true);
  });

  it("selects checks by exact id or by dotted prefix", () => {
    const ids = selectChecks({ only: ["websocket", "http.head"] }).map((check) => check.id);
    expect(ids).toContain("http.head");
    expect(ids.filter((id) => !id.startsWith("websocket.") && id !== "http.head")).toEqual([]);
    expect(ids.length).toBeGreaterThan(5);
  });

  it("leaves out skipped ids and prefixes", () => {
    const ids = selectChecks({ skip: ["lifespan", "http.head"] }).map((check) => check.id);
    expect(ids.some((id) => id.startsWith("lifespan.") || id === "http.head")).toBe(false);
    expect(ids.length).toBe(conformanceChecks.length - 4);
  });

  it("reports a check whose server cannot start as failed with the error, without throwing", async () => {
    const result = await runCheck(conformanceChecks[0]!, { start: neverStarts });
    expect(result.status).toBe("failed");
    expect(result.reason).toBe("the check threw Error: no server in this test");
  });

  it("runs cleanups registered by a check and fails it when a cleanup throws", async () => {
    const cleaned: string[] = [];
    const check: ConformanceCheck = {
      id: "test.cleanup",
      title: "a check that registers cleanups",
      run: (ctx) => {
        ctx.defer(() => cleaned.push("first"));
        ctx.defer(() => {
          throw new Error("cleanup broke");
        });
        return Promise.resolve();
      },
    };
    const result = await runCheck(check, { start: neverStarts });
    expect(cleaned).toEqual(["first"]);
    expect(result).toMatchObject({ status: "failed", reason: "cleanup failed: cleanup broke" });
  });

  it("fails a check that waits too long, naming what it waited for", async () => {
    const check: ConformanceCheck = {
      id: "test.wait",
      title: "a check that waits forever",
      run: async (ctx) => {
        await ctx.wait(new Promise(() => undefined), "something that never happens");
      },
    };
    const result = await runCheck(check, { start: neverStarts, timeoutMs: 30 });
    expect(result.reason).toBe("timed out after 30 ms waiting for something that never happens");
  });

  it("formats results one line each with status marks", () => {
    const text = formatResults([
      { id: "a", title: "A", status: "passed", durationMs: 1 },
      { id: "b", title: "B", status: "failed", reason: "broken", durationMs: 1 },
      { id: "c", title: "C", status: "skipped", reason: "n/a", durationMs: 1 },
    ]);
    expect(text).toBe("✓ a\n✗ b — broken\n- c — n/a");
  });
});
