import { AsyncLocalStorage } from "node:async_hooks";
import { inlineSyncApp, isSyncApp } from "@sluice/bridge";
import { validateApp } from "@sluice/core";
import type { App, SyncApp } from "@sluice/core";

/**
 * Which interface an app implements; `"auto"` guesses from the signature (as `@sluice/bridge`'s `isSyncApp`).
 *
 * @example
 * ```ts
 * new TestClient(legacyApp, { interface: "sync" });
 * ```
 */
export type AppInterface = "auto" | "async" | "sync";

/** Wraps an async app in core's `validateApp` when `validate` is on. */
export function validated(app: App, validate: boolean): App {
  return validate ? validateApp(app) : app;
}

/** Errors a sync app raised during the current invocation (the bridge answers them with 500). */
const syncErrors = new AsyncLocalStorage<Error[]>();

/**
 * Runs a sync app through the bridge's inline mode. The bridge turns the app's exceptions
 * into `500` responses; with `raiseAppExceptions` the invocation then rethrows the first one,
 * so tests see the real error.
 */
function syncAsAsync(syncApp: SyncApp, raiseAppExceptions: boolean): App {
  const inner = inlineSyncApp(syncApp, {
    onError: (error) => {
      const errors = syncErrors.getStore();
      if (errors && raiseAppExceptions) errors.push(error);
    },
  });
  return async (scope, receive, send) => {
    const errors: Error[] = [];
    await syncErrors.run(errors, () => inner(scope, receive, send));
    if (errors[0]) throw errors[0];
  };
}

/**
 * Turns what the user gave into the async app the client drives: sync apps go through the
 * bridge's inline mode, then everything is wrapped in `validateApp` unless `validate` is off.
 */
export function prepareApp(app: App | SyncApp, kind: AppInterface, validate: boolean, raiseAppExceptions: boolean): App {
  const isSync = kind === "sync" || (kind === "auto" && isSyncApp(app));
  return validated(isSync ? syncAsAsync(app as SyncApp, raiseAppExceptions) : (app as App), validate);
}
