import type { App, LifespanReceiveEvent, LifespanScope, SendEvent, State } from "@sluice/core";
import { ASGI_SPEC_VERSION, ASGI_VERSION, ProtocolError, UnsupportedProtocol } from "@sluice/core";
import { LifespanStartupFailed } from "../errors.js";
import type { LifespanMode } from "../options.js";
import type { ServerLog } from "./server-log.js";

type Outcome =
  | { kind: "complete" }
  | { kind: "failed"; message: string }
  | { kind: "returned" }
  | { kind: "threw"; error: unknown };

/**
 * Runs the app's lifespan connection: one long-lived call that receives
 * `lifespan.startup`, later `lifespan.shutdown`, and answers each.
 *
 * In `"auto"` mode an app that throws (or returns) before answering startup is taken as not
 * supporting lifespan and the server carries on; in `"on"` mode that is a startup failure.
 * `lifespan.startup.failed` is a failure in both modes.
 */
export class LifespanRunner {
  /** The state dict the app fills at startup; each request scope gets a shallow copy. */
  readonly state: State = {};
  private supported = false;
  private finished = false;
  private readonly inbox: LifespanReceiveEvent[] = [];
  private receiver: ((event: LifespanReceiveEvent) => void) | null = null;
  private waiter: ((outcome: Outcome) => void) | null = null;
  private expecting: "startup" | "shutdown" | null = null;

  constructor(
    private readonly app: App,
    private readonly mode: LifespanMode,
    private readonly log: ServerLog,
  ) {}

  /** Sends `lifespan.startup` and waits for the answer; throws `LifespanStartupFailed`. */
  async startup(): Promise<void> {
    if (this.mode === "off") return;
    this.log.info("Waiting for application startup.");
    const scope: LifespanScope = { type: "lifespan", asgi: { version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION }, state: this.state };
    const outcome = this.waitFor("startup");
    this.deliver({ type: "lifespan.startup" });
    this.app(scope, () => this.receive(), (event) => this.send(event)).then(
      () => this.settle({ kind: "returned" }),
      (error: unknown) => this.settle({ kind: "threw", error }),
    );
    const result = await outcome;
    switch (result.kind) {
      case "complete":
        this.supported = true;
        this.log.info("Application startup complete.");
        return;
      case "failed":
        throw new LifespanStartupFailed(result.message);
      case "returned":
        if (this.mode === "on") {
          throw new LifespanStartupFailed("the app returned without sending lifespan.startup.complete");
        }
        this.log.info("ASGI 'lifespan' protocol appears unsupported (the app returned without answering lifespan.startup).");
        return;
      case "threw": {
        const error = result.error;
        if (this.mode === "auto") {
          const why = error instanceof UnsupportedProtocol ? "" : ` (${error instanceof Error ? error.message : String(error)})`;
          this.log.info(`ASGI 'lifespan' protocol appears unsupported${why}.`);
          return;
        }
        this.log.error("Exception in 'lifespan' protocol", error);
        throw new LifespanStartupFailed(error instanceof Error ? error.message : String(error), { cause: error });
      }
    }
  }

  /** Sends `lifespan.shutdown` (when startup completed) and waits for the answer; never throws. */
  async shutdown(): Promise<void> {
    if (!this.supported || this.finished) return;
    this.log.info("Waiting for application shutdown.");
    const outcome = this.waitFor("shutdown");
    this.deliver({ type: "lifespan.shutdown" });
    const result = await outcome;
    switch (result.kind) {
      case "complete":
        this.log.info("Application shutdown complete.");
        return;
      case "failed":
        this.log.error(`Application shutdown failed: ${result.message}`);
        return;
      case "returned":
        this.log.info("Application shutdown complete (the app returned).");
        return;
      case "threw":
        this.log.error("Exception in 'lifespan' protocol during shutdown", result.error);
        return;
    }
  }

  private waitFor(phase: "startup" | "shutdown"): Promise<Outcome> {
    this.expecting = phase;
    return new Promise<Outcome>((resolve) => {
      this.waiter = resolve;
    });
  }

  private settle(outcome: Outcome): void {
    if (outcome.kind === "returned" || outcome.kind === "threw") this.finished = true;
    const waiter = this.waiter;
    this.waiter = null;
    this.expecting = null;
    if (waiter !== null) waiter(outcome);
    else if (outcome.kind === "threw") this.log.error("Exception in 'lifespan' protocol", outcome.error);
  }

  private deliver(event: LifespanReceiveEvent): void {
    const receiver = this.receiver;
    if (receiver !== null) {
      this.receiver = null;
      receiver(event);
    } else {
      this.inbox.push(event);
    }
  }

  private receive(): Promise<LifespanReceiveEvent> {
    const next = this.inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise<LifespanReceiveEvent>((resolve) => {
      this.receiver = resolve;
    });
  }

  private send(event: SendEvent): Promise<void> {
    const expecting = this.expecting;
    switch (event.type) {
      case "lifespan.startup.complete":
      case "lifespan.startup.failed":
        if (expecting !== "startup") return Promise.reject(new ProtocolError("lifespan-order", `${event.type} sent outside startup`, event));
        this.settle(event.type === "lifespan.startup.complete" ? { kind: "complete" } : { kind: "failed", message: event.message ?? "" });
        return Promise.resolve();
      case "lifespan.shutdown.complete":
      case "lifespan.shutdown.failed":
        if (expecting !== "shutdown") return Promise.reject(new ProtocolError("lifespan-order", `${event.type} sent before lifespan.shutdown was received`, event));
        this.settle(event.type === "lifespan.shutdown.complete" ? { kind: "complete" } : { kind: "failed", message: event.message ?? "" });
        return Promise.resolve();
      default:
        return Promise.reject(new ProtocolError("lifespan-send-event", `"${event.type}" is not a lifespan event`, event));
    }
  }
}
