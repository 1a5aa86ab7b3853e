import { describe, it } from "vitest";
import { ConformanceFailure, runCheck, selectChecks } from "./conformance/run.js";
import type { ConformanceOptions } from "./conformance/types.js";

/**
 * Registers the conformance suite as a vitest `describe` block: one test per check, named by
 * its id and title. A failed check fails its test with the reason; a check the server does
 * not apply to (an extension it does not advertise) is reported as skipped. Import it from
 * `@sluice/testing/vitest` (vitest is an optional peer dependency, loaded only here).
 *
 * @param name the describe block's name, e.g. `"@sluice/server conformance"`
 * @param target the same options as `runConformance()`
 *
 * @example
 * ```ts
 * import { describeConformance } from "@sluice/testing/vitest";
 * import { serve } from "@sluice/server";
 *
 * describeConformance("my server", {
 *   start: (app, { lifespan }) => serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: lifespan ? "on" : "off" }),
 *   skip: ["http.scope.http10"],
 * });
 * ```
 */
export function describeConformance(name: string, target: ConformanceOptions): void {
  describe(name, () => {
    for (const check of selectChecks(target)) {
      it(`${check.id}: ${check.title}`, async (context) => {
        const result = await runCheck(check, target);
        if (result.status === "skipped") context.skip(result.reason);
        if (result.status === "failed") throw new ConformanceFailure(check.id, result.reason ?? "no reason given");
      });
    }
  });
}
