import type { App } from "@sluice/core";
import { serve } from "@sluice/server";

/** A running server for real-socket tests. */
export interface RunningApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `app` with `@sluice/server` on 127.0.0.1 and an ephemeral port. */
export async function startApp(app: App): Promise<RunningApp> {
  const running = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
  return { url: running.url, port: running.port, close: () => running.close() };
}
