import type { WebSocketHandler, WebSocketOptions } from "@sluice/websocket";
import type { App } from "@sluice/core";

export type { WebSocketHandler };

/**
 * Creates the `@sluice/websocket` upgrade handler, importing that package only when
 * WebSocket support is on.
 */
export async function createUpgradeHandler(app: App, options: WebSocketOptions): Promise<WebSocketHandler> {
  const { createWebSocketHandler } = await import("@sluice/websocket");
  return createWebSocketHandler(app, options);
}
