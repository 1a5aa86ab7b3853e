import type { App } from "@sluice/core";
import { AppLoadError } from "../errors.js";
import type { LoadedExport } from "./load-app.js";

/** `--interface`: which calling convention the export follows. */
export type InterfaceMode = "auto" | "async" | "sync";

/** An app ready to serve, with the clean-up its interface needs. */
export interface ResolvedApp {
  /** The async app the server calls. */
  app: App;
  /** Which interface the export turned out to have. */
  interface: "async" | "sync";
  /** Releases resources (e.g. the sync worker pool) after the server has closed. */
  close(): Promise<void>;
}

/** What `@sluice/bridge` offers for sync apps (looked up at run time). */
interface BridgeModule {
  isSyncApp?: (value: unknown) => boolean;
  workerPoolApp?: (options: { module: string; exportName: string; workers?: number }) => App & { ready?(): Promise<void>; close(): Promise<void> };
}

/**
 * Turns a loaded export into the async app the server runs, according to `--interface`:
 *
 * - `async`: the export must be an `(scope, receive, send)` function;
 * - `sync`: the export is a PEP 3333-style `(environ, startResponse)` app, run on
 *   `@sluice/bridge`'s worker-thread pool (`workerPoolApp`, `threads` workers);
 * - `auto`: `@sluice/bridge`'s `isSyncApp` decides between the two.
 *
 * This is the one place interface resolution happens; the bridge is imported lazily so
 * async-only deployments never load it.
 *
 * @param loaded the export (after `--factory`, the factory's result for async apps)
 * @param mode the `--interface` value
 * @param threads worker threads for a sync app (default: the bridge's default)
 */
export async function resolveApp(loaded: LoadedExport, mode: InterfaceMode, threads?: number): Promise<ResolvedApp> {
  const target = `${loaded.moduleUrl}:${loaded.exportName}`;
  if (typeof loaded.value !== "function") {
    throw new AppLoadError(target, `export "${loaded.exportName}" is not a function (it is ${loaded.value === null ? "null" : typeof loaded.value})`);
  }
  let kind: "async" | "sync" = mode === "sync" ? "sync" : "async";
  if (mode === "auto") kind = (await looksSync(loaded.value)) ? "sync" : "async";
  if (kind === "async") return { app: loaded.value as App, interface: "async", close: () => Promise.resolve() };
  return resolveSyncApp(loaded, threads);
}

async function looksSync(value: unknown): Promise<boolean> {
  const bridge = await importBridge();
  if (typeof bridge?.isSyncApp === "function") return bridge.isSyncApp(value);
  if (typeof value !== "function") return false;
  return value.constructor.name === "Function" && value.length === 2;
}

/** Runs a sync app on the bridge's worker pool. */
async function resolveSyncApp(loaded: LoadedExport, threads: number | undefined): Promise<ResolvedApp> {
  const bridge = await importBridge();
  const target = `${loaded.moduleUrl}:${loaded.exportName}`;
  if (typeof bridge?.workerPoolApp !== "function") {
    throw new AppLoadError(target, `export "${loaded.exportName}" is a sync (environ, startResponse) app, which needs @sluice/bridge's workerPoolApp (not available in this installation)`);
  }
  const options: { module: string; exportName: string; workers?: number } = { module: loaded.moduleUrl, exportName: loaded.exportName };
  if (threads !== undefined) options.workers = threads;
  const pooled = bridge.workerPoolApp(options);
  try {
    await pooled.ready?.();
  } catch (error) {
    await pooled.close().catch(() => undefined);
    throw new AppLoadError(target, `the sync app failed to load in the worker pool: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { app: pooled, interface: "sync", close: () => pooled.close() };
}

let bridgeModule: Promise<BridgeModule | undefined> | undefined;

function importBridge(): Promise<BridgeModule | undefined> {
  bridgeModule ??= import("@sluice/bridge").then(
    (module) => module as BridgeModule,
    () => undefined,
  );
  return bridgeModule;
}
