import { describeValue, eventName, fail } from "./fail.js";
import { asEvent, type ConnectionChecker } from "./connection-checker.js";

type Phase = "startup" | "shutdown";
type PhaseState = "not-asked" | "asked" | "answered";

const SEND_TYPES = new Set(["lifespan.startup.complete", "lifespan.startup.failed", "lifespan.shutdown.complete", "lifespan.shutdown.failed"]);

/** Follows the lifespan connection: startup asked → answered once, then shutdown asked → answered once. */
export class LifespanChecker implements ConnectionChecker {
  readonly #phases: Record<Phase, PhaseState> = { startup: "not-asked", shutdown: "not-asked" };

  checkSend(raw: unknown): void {
    const event = asEvent(raw, "event-type-unknown", "app sent");
    if (!SEND_TYPES.has(event.type)) {
      fail("event-type-unknown", `app sent ${eventName(event)}, which is not an event of the lifespan connection`, event);
    }
    const phase: Phase = event.type.startsWith("lifespan.startup.") ? "startup" : "shutdown";
    if (this.#phases[phase] !== "asked") {
      const why = this.#phases[phase] === "answered" ? `the ${phase} was already answered` : `the server has not sent "lifespan.${phase}"`;
      fail("lifespan-order", `app sent ${eventName(event)} but ${why}; answer each of "lifespan.startup" and "lifespan.shutdown" exactly once, after receiving it`, event);
    }
    const message = event["message"];
    if (event.type.endsWith(".failed") && message !== undefined && typeof message !== "string") {
      fail("lifespan-message-type", `${eventName(event)} message must be a string, got ${describeValue(message)}`, event);
    }
    this.#phases[phase] = "answered";
  }

  checkReceive(raw: unknown): void {
    const event = asEvent(raw, "receive-event-type", "server delivered");
    if (event.type !== "lifespan.startup" && event.type !== "lifespan.shutdown") {
      fail("receive-event-type", `server delivered ${eventName(event)}, which is not an event of the lifespan connection`, event);
    }
    const phase: Phase = event.type === "lifespan.startup" ? "startup" : "shutdown";
    const outOfOrder = this.#phases[phase] !== "not-asked" || (phase === "shutdown" && this.#phases.startup === "not-asked");
    if (outOfOrder) {
      fail("receive-order", `server delivered ${eventName(event)} out of order; "lifespan.startup" comes once, then "lifespan.shutdown" once`, event);
    }
    this.#phases[phase] = "asked";
  }

  markSendFailed(): void {
    // Nothing is owed to a server whose send failed.
  }

  checkReturn(): void {
    // A lifespan app may return at any time; before startup.complete that means "unsupported".
  }
}
