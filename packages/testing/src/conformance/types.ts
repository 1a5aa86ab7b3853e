import type { App } from "@sluice/core";

/**
 * How the suite asks a server to run an app.
 *
 * @example
 * ```ts
 * const start: StartServer = (app, { lifespan }) => serve(app, { port: 0, lifespan: lifespan ? "on" : "off" });
 * ```
 */
export interface StartOptions {
  /**
   * `true` for the lifespan checks: run the lifespan protocol, resolve `start()` only after
   * `lifespan.startup.complete` (reject it on `lifespan.startup.failed`), and make `close()`
   * run `lifespan.shutdown` before resolving. `false`: lifespan off.
   */
  lifespan: boolean;
}

/**
 * A server the suite started, reachable over real sockets.
 *
 * @example
 * ```ts
 * const target: RunningTarget = { url: server.url, close: () => server.close() };
 * ```
 */
export interface RunningTarget {
  /** Base URL, `http://127.0.0.1:<port>` (no trailing slash needed). */
  url: string;
  /** Stops the server (gracefully, running lifespan shutdown when it was started with lifespan). */
  close(): Promise<void>;
}

/**
 * Starts a server implementation with an app; the one thing a server author provides.
 *
 * @example
 * ```ts
 * const start: StartServer = (app, { lifespan }) => serve(app, { host: "127.0.0.1", port: 0, lifespan: lifespan ? "on" : "off" });
 * ```
 */
export type StartServer = (app: App, options: StartOptions) => Promise<RunningTarget>;

/**
 * Options of `runConformance()`.
 *
 * @example
 * ```ts
 * await runConformance({ start, only: ["http.scope", "websocket"], timeoutMs: 2000 });
 * ```
 */
export interface ConformanceOptions {
  /** Starts the server under test with the given app, listening on 127.0.0.1 and an ephemeral port. */
  start: StartServer;
  /** Run only the checks with these ids (or id prefixes such as `"websocket."`). Default: all. */
  only?: readonly string[];
  /** Leave out the checks with these ids (or id prefixes). Default: none. */
  skip?: readonly string[];
  /** How long a check waits for any one thing, in ms. Default `5000`. */
  timeoutMs?: number;
}

/**
 * The outcome of one check.
 *
 * @example
 * ```ts
 * const failed = (await runConformance({ start })).filter((result) => result.status === "failed");
 * ```
 */
export interface ConformanceResult {
  /** Stable check id, e.g. `"http.scope.path-decoding"`. */
  id: string;
  /** One sentence saying what the check expects. */
  title: string;
  /** `"passed"`, `"failed"`, or `"skipped"` (the server does not advertise the extension it needs). */
  status: "passed" | "failed" | "skipped";
  /** Why the check failed or was skipped. Absent when it passed. */
  reason?: string;
  /** How long the check took, in ms. */
  durationMs: number;
}

/**
 * What a check gets to work with.
 *
 * @example
 * ```ts
 * const check: ConformanceCheck = { id: "my.check", title: "…", async run(ctx) { const target = await ctx.serve(app); ctx.expect(target.url.startsWith("http"), "bad url"); } };
 * ```
 */
export interface CheckContext {
  /** Starts the server under test with `app`; it is closed after the check. */
  serve(app: App, options?: Partial<StartOptions>): Promise<RunningTarget>;
  /** How long to wait for any one thing, in ms. */
  readonly timeoutMs: number;
  /** Settles like `promise`, or fails the check after `timeoutMs` naming `what`. */
  wait<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Fails the check with `reason` unless `condition` holds. */
  expect(condition: boolean, reason: string): void;
  /** Fails the check unless `actual` deep-equals `expected`; the reason names `what` and both values. */
  equal(actual: unknown, expected: unknown, what: string): void;
  /** Ends the check as skipped. */
  skip(reason: string): never;
  /** Ends the check as failed. */
  fail(reason: string): never;
  /** Registers cleanup to run after the check (sockets, files). */
  defer(cleanup: () => unknown): void;
}

/**
 * One black-box check of the server behaviour the Sluice async interface requires.
 *
 * @example
 * ```ts
 * const results = await Promise.all(conformanceChecks.slice(0, 3).map((check) => runCheck(check, { start })));
 * ```
 */
export interface ConformanceCheck {
  /** Stable id, grouped by dots: `http.scope.*`, `http.request.*`, `websocket.*` … */
  id: string;
  /** One sentence saying what a conforming server does. */
  title: string;
  /** Runs the check; throws (through the context) to fail or skip. */
  run(ctx: CheckContext): Promise<void>;
}
