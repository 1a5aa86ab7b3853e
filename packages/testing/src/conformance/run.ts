import { isDeepStrictEqual } from "node:util";
import type { App } from "@sluice/core";
import { SluiceError } from "@sluice/core";
import { conformanceChecks } from "./checks/index.js";
import type { CheckContext, ConformanceCheck, ConformanceOptions, ConformanceResult, RunningTarget, StartOptions, StartServer } from "./types.js";

/**
 * A conformance check failed; the message says what the server did wrong.
 *
 * @example
 * ```ts
 * const result = await runCheck(check, { start });
 * if (result.status === "failed") throw new ConformanceFailure(result.id, result.reason ?? "");
 * ```
 */
export class ConformanceFailure extends SluiceError {
  /** The id of the check that failed. */
  readonly checkId: string;

  /**
   * @param checkId the id of the failed check
   * @param reason what the server did wrong
   */
  constructor(checkId: string, reason: string) {
    super("ERR_CONFORMANCE_FAILED", `${checkId}: ${reason}`);
    this.checkId = checkId;
  }
}

/** Thrown inside a check to end it as failed or skipped. */
class CheckStop extends Error {
  constructor(
    readonly status: "failed" | "skipped",
    readonly reason: string,
  ) {
    super(reason);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => (item instanceof Uint8Array ? `<${item.byteLength} bytes>` : item));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function createContext(start: StartServer, timeoutMs: number, cleanups: Array<() => unknown>): CheckContext {
  const ctx: CheckContext = {
    timeoutMs,
    async serve(app: App, options: Partial<StartOptions> = {}): Promise<RunningTarget> {
      const target = await start(app, { lifespan: options.lifespan ?? false });
      let closed = false;
      const close = async (): Promise<void> => {
        if (closed) return;
        closed = true;
        await target.close();
      };
      cleanups.push(close);
      return { url: target.url.replace(/\/$/, ""), close };
    },
    async wait<T>(promise: Promise<T>, what: string): Promise<T> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new CheckStop("failed", `timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      });
      try {
        return await Promise.race([promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    expect(condition: boolean, reason: string): void {
      if (!condition) throw new CheckStop("failed", reason);
    },
    equal(actual: unknown, expected: unknown, what: string): void {
      if (!isDeepStrictEqual(actual, expected)) throw new CheckStop("failed", `${what}: expected ${show(expected)}, got ${show(actual)}`);
    },
    skip(reason: string): never {
      throw new CheckStop("skipped", reason);
    },
    fail(reason: string): never {
      throw new CheckStop("failed", reason);
    },
    defer(cleanup: () => unknown): void {
      cleanups.push(cleanup);
    },
  };
  return ctx;
}

/**
 * Runs one check against a server and reports its outcome; never throws.
 *
 * @example
 * ```ts
 * const result = await runCheck(conformanceChecks[0]!, { start });
 * console.log(result.status, result.reason);
 * ```
 */
export async function runCheck(check: ConformanceCheck, options: Pick<ConformanceOptions, "start" | "timeoutMs">): Promise<ConformanceResult> {
  const began = performance.now();
  const cleanups: Array<() => unknown> = [];
  const ctx = createContext(options.start, options.timeoutMs ?? 5000, cleanups);
  let status: ConformanceResult["status"] = "passed";
  let reason: string | undefined;
  try {
    await check.run(ctx);
  } catch (error) {
    if (error instanceof CheckStop) {
      status = error.status;
      reason = error.reason;
    } else {
      status = "failed";
      reason = `the check threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      if (status === "passed") {
        status = "failed";
        reason = `cleanup failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  const result: ConformanceResult = { id: check.id, title: check.title, status, durationMs: Math.round(performance.now() - began) };
  if (reason !== undefined) result.reason = reason;
  return result;
}

function matches(id: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => id === pattern || (pattern.endsWith(".") && id.startsWith(pattern)) || id.startsWith(`${pattern}.`));
}

/**
 * The checks `runConformance()` would run with these `only`/`skip` filters, in order.
 *
 * @example
 * ```ts
 * selectChecks({ only: ["websocket"] }).map((check) => check.id);
 * ```
 */
export function selectChecks(options: Pick<ConformanceOptions, "only" | "skip"> = {}): ConformanceCheck[] {
  return conformanceChecks.filter(
    (check) => (!options.only || matches(check.id, options.only)) && !(options.skip && matches(check.id, options.skip)),
  );
}

/**
 * Runs the server conformance suite: black-box checks over real sockets that any server
 * implementing the Sluice async interface should pass. Checks run one after another, each
 * with its own server from `start`. Usable from any test runner: inspect the results.
 *
 * @example
 * ```ts
 * import { serve } from "@sluice/server";
 * const results = await runConformance({
 *   start: (app, { lifespan }) => serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: lifespan ? "on" : "off" }),
 * });
 * const failed = results.filter((result) => result.status === "failed");
 * ```
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const check of selectChecks(options)) results.push(await runCheck(check, options));
  return results;
}

/**
 * A readable multi-line summary of results: one line per check with its status and reason.
 *
 * @example
 * ```ts
 * console.log(formatResults(await runConformance({ start })));
 * ```
 */
export function formatResults(results: readonly ConformanceResult[]): string {
  return results
    .map((result) => `${result.status === "passed" ? "✓" : result.status === "skipped" ? "-" : "✗"} ${result.id}${result.reason ? ` — ${result.reason}` : ""}`)
    .join("\n");
}
