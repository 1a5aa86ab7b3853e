import cluster from "node:cluster";
import { fileURLToPath } from "node:url";

/** Settings of the chat app; `configFromEnv` reads them from the environment. */
export interface ChatConfig {
  /** Origins allowed by CORS on /api and for WebSocket handshakes (besides same-origin). */
  allowedOrigins: string[];
  /** The broadcast backend shared by instances. */
  broadcastUrl: string;
  /** Where room histories are saved at shutdown and loaded at startup; `undefined` keeps them in memory only. */
  historyFile: string | undefined;
  /** The built web page (HTML, hashed assets, precompressed siblings). */
  publicDir: string;
}

/**
 * Reads the configuration:
 * - `CHAT_ALLOWED_ORIGINS` — comma-separated origins (default `http://localhost:5173`, a typical dev front end);
 * - `SLUICE_BROADCAST_URL` — default `cluster://` inside `sluice --workers N`, else `memory://`;
 * - `CHAT_HISTORY_FILE` — default `data/chat-history.json` (relative to the working directory); `none` disables saving;
 * - `CHAT_PUBLIC_DIR` — default the `dist/public` folder built by `pnpm build`.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ChatConfig {
  const history = env.CHAT_HISTORY_FILE ?? "data/chat-history.json";
  return {
    allowedOrigins: (env.CHAT_ALLOWED_ORIGINS ?? "http://localhost:5173")
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ""),
    broadcastUrl: env.SLUICE_BROADCAST_URL ?? (cluster.isWorker ? "cluster://" : "memory://"),
    historyFile: history === "none" ? undefined : history,
    publicDir: env.CHAT_PUBLIC_DIR ?? fileURLToPath(new URL("../dist/public/", import.meta.url)),
  };
}
