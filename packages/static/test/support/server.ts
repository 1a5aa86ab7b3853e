import type { App } from "@sluice/core";

/** A running server for real-socket tests. */
export interface RunningApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface ServerModule {
  serve(
    app: App,
    options: { host: string; port: number; accessLog: boolean; lifespan: "off" },
  ): Promise<{ url: string; port: number; close(): Promise<void> }>;
}

// Loaded by name so this file type-checks while @sluice/server is still being written.
const serverModuleName = "@sluice/server";

/** Loads `@sluice/server`, or resolves undefined when it is not built yet. */
export async function loadServer(): Promise<ServerModule | undefined> {
  try {
    const loaded = (await import(serverModuleName)) as Partial<ServerModule>;
    return typeof loaded.serve === "function" ? (loaded as ServerModule) : undefined;
  } catch {
    return undefined;
  }
}

/** Serves `app` with `@sluice/server` on 127.0.0.1 and an ephemeral port. */
export async function startApp(app: App): Promise<RunningApp> {
  const server = await loadServer();
  if (server === undefined) throw new Error("@sluice/server is not built");
  const running = await server.serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
  return { url: running.url, port: running.port, close: () => running.close() };
}
