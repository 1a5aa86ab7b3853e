import {
  compose,
  type App,
  type HTTPReceive,
  type HTTPScope,
  type LifespanReceive,
  type LifespanSend,
  type WebSocketReceive,
} from "@sluice/core";
import { compression } from "@sluice/compression";
import { cors } from "@sluice/cors";
import { staticFiles } from "@sluice/static";
import { chatApi } from "./chat-api.js";
import { ChatHub } from "./chat-hub.js";
import { chatSocket } from "./chat-socket.js";
import { configFromEnv, type ChatConfig } from "./config.js";
import { HistoryStore } from "./history-store.js";
import { sendJson } from "./json-response.js";

/**
 * Builds the chat app: `/ws` is the chat WebSocket, `/api/*` the JSON API behind CORS,
 * everything else the web page (static files with compression, precompressed assets and
 * immutable caching for hashed names). Lifespan startup loads the history and connects the
 * broadcast; shutdown saves the history and disconnects. Without lifespan (`--lifespan off`)
 * the hub starts on first use.
 */
export function createChatApp(config: ChatConfig): App {
  const store = new HistoryStore(config.historyFile);
  let hub: Promise<ChatHub> | undefined;
  const startHub = (): Promise<ChatHub> => {
    hub ??= store.open().then(() => ChatHub.start(config.broadcastUrl, store));
    return hub;
  };

  const api = cors({ allowOrigins: config.allowedOrigins, allowMethods: ["GET", "HEAD"], maxAge: 600 })(
    async (scope, receive, send) => chatApi(await startHub(), scope as HTTPScope, receive as HTTPReceive, send),
  );
  const notFound: App = (_scope, _receive, send) => sendJson(send, 404, { error: "not found" });
  const site = compose(compression(), staticFiles({ directory: config.publicDir }))(notFound);

  async function lifespan(receive: LifespanReceive, send: LifespanSend): Promise<void> {
    await receive();
    try {
      await startHub();
    } catch (error) {
      await send({ type: "lifespan.startup.failed", message: (error as Error).message });
      return;
    }
    await send({ type: "lifespan.startup.complete" });
    await receive();
    try {
      await (await startHub()).stop();
      await store.close();
      await send({ type: "lifespan.shutdown.complete" });
    } catch (error) {
      await send({ type: "lifespan.shutdown.failed", message: (error as Error).message });
    }
  }

  return async (scope, receive, send) => {
    switch (scope.type) {
      case "lifespan":
        return lifespan(receive as LifespanReceive, send);
      case "websocket":
        if (scope.path === "/ws") return chatSocket(await startHub(), config.allowedOrigins, scope, receive as WebSocketReceive, send);
        await receive();
        return send({ type: "websocket.close", code: 1008, reason: "chat connections live at /ws" });
      case "http":
        return scope.path.startsWith("/api/") ? api(scope, receive, send) : site(scope, receive, send);
    }
  };
}

/** The app `pnpm start` serves, configured from the environment (see `configFromEnv`). */
export const app: App = createChatApp(configFromEnv());
