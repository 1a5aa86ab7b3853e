import { ASGI_SPEC_VERSION, ProtocolError, type App, type LifespanScope, type ReceiveEvent, type SendEvent, type State } from "@sluice/core";
import { LifespanFailed } from "../errors.js";

/** Drives the lifespan protocol of an app for `toFetch`. */
export function lifespanRunner(app: App, state: State): { startup: () => Promise<void>; shutdown: () => Promise<void> } {
  const inbox: Array<"lifespan.startup" | "lifespan.shutdown"> = [];
  let wake: (() => void) | undefined;
  let phaseResult: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let running: Promise<void> | undefined;
  let unsupported = false;
  let currentPhase: "lifespan.startup" | "lifespan.shutdown" = "lifespan.startup";
  const scope: LifespanScope = { type: "lifespan", asgi: { version: "3.0", spec_version: ASGI_SPEC_VERSION }, state };

  const receive = async (): Promise<ReceiveEvent> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return { type: inbox.shift() as "lifespan.startup" | "lifespan.shutdown" };
  };
  const send = (event: SendEvent): Promise<void> => {
    const result = phaseResult;
    phaseResult = undefined;
    switch (event.type) {
      case "lifespan.startup.complete":
      case "lifespan.shutdown.complete":
        result?.resolve();
        break;
      case "lifespan.startup.failed":
        result?.reject(new LifespanFailed("startup", event.message ?? ""));
        break;
      case "lifespan.shutdown.failed":
        result?.reject(new LifespanFailed("shutdown", event.message ?? ""));
        break;
      default:
        throw new ProtocolError("lifespan-event", `"${event.type}" is not a lifespan event`, event);
    }
    return Promise.resolve();
  };
  const phase = (name: "lifespan.startup" | "lifespan.shutdown"): Promise<void> => {
    if (unsupported) return Promise.resolve();
    currentPhase = name;
    return new Promise<void>((resolve, reject) => {
      phaseResult = { resolve, reject };
      inbox.push(name);
      const w = wake;
      wake = undefined;
      w?.();
      running ??= app(scope, receive, send).then(
        () => phaseResult?.resolve(),
        (error: unknown) => {
          const pending = phaseResult;
          phaseResult = undefined;
          if (currentPhase === "lifespan.startup") {
            unsupported = true; // an app that raises during startup without answering does not support lifespan
            pending?.resolve();
          } else {
            pending?.reject(new LifespanFailed("shutdown", error instanceof Error ? error.message : String(error), { cause: error }));
          }
        },
      );
    });
  };
  return { startup: () => phase("lifespan.startup"), shutdown: () => phase("lifespan.shutdown") };
}
