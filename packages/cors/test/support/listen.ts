// Serves an app on 127.0.0.1 with an ephemeral port through @sluice/server.
import type { App } from "@sluice/core";
import { serve } from "@sluice/server";

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(app: App): Promise<Listening> {
  const server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off", logLevel: "warning" });
  return { url: server.url, port: server.port, close: () => server.close() };
}
