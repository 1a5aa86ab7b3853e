import { validateApp } from "@sluice/core";
import type { App, SyncApp } from "@sluice/core";
import { SyncAppUnsupported } from "../errors.js";

/** Which interface an app implements; `"auto"` asks the bridge (or guesses from the signature). */
export type AppInterface = "auto" | "async" | "sync";

/** The parts of `@sluice/bridge` the test client uses, when the installed bridge has them. */
interface BridgeInline {
  inlineSyncApp?: (app: SyncApp) => App;
  isSyncApp?: (fn: unknown) => boolean;
}

/** Wraps an async app in core's `validateApp` when `validate` is on. */
export function validated(app: App, validate: boolean): App {
  return validate ? validateApp(app) : app;
}

let bridgePromise: Promise<BridgeInline> | undefined;

/** Loads `@sluice/bridge` once; an absent or unfinished bridge counts as having nothing. */
export function loadBridge(): Promise<BridgeInline> {
  bridgePromise ??= import("@sluice/bridge").then(
    (module) => module as BridgeInline,
    () => ({}),
  );
  return bridgePromise;
}

function looksSync(fn: unknown, bridge: BridgeInline): boolean {
  if (bridge.isSyncApp) return bridge.isSyncApp(fn);
  return typeof fn === "function" && fn.constructor.name !== "AsyncFunction" && fn.length === 2;
}

/**
 * Turns what the user gave into the async app the client drives: sync apps go through the
 * bridge's inline mode, then everything is wrapped in `validateApp` unless `validate` is off.
 */
export async function prepareApp(app: App | SyncApp, kind: AppInterface, validate: boolean): Promise<App> {
  const bridge = kind === "async" ? {} : await loadBridge();
  const isSync = kind === "sync" || (kind === "auto" && looksSync(app, bridge));
  if (!isSync) return validated(app as App, validate);
  if (!bridge.inlineSyncApp) throw new SyncAppUnsupported();
  return validated(bridge.inlineSyncApp(app as SyncApp), validate);
}
