import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Address, App, ScopeExtensions, State } from "@sluice/core";

/** Scope fields the server decides for a WebSocket connection (the handler derives the rest). */
export interface WebSocketOverrides {
  client: Address | null;
  server: Address | null;
  scheme: string;
  root_path: string;
  state: State;
  extensions: ScopeExtensions;
}

/** The upgrade handler contract of `@sluice/websocket`. */
export interface WebSocketHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, overrides: WebSocketOverrides): void;
  close(code?: number, timeoutMs?: number): Promise<void>;
  readonly size: number;
}

/** Options passed to `createWebSocketHandler` (durations in milliseconds). */
export interface WebSocketHandlerOptions {
  maxSize: number;
  pingInterval: number;
  pingTimeout: number;
  perMessageDeflate: boolean;
  logger: { error(message: string, error?: unknown): void; warn(message: string, detail?: unknown): void };
}

type WebSocketFactory = (app: App, options: WebSocketHandlerOptions) => WebSocketHandler;

let factory: Promise<WebSocketFactory | undefined> | undefined;

/**
 * `createWebSocketHandler` from `@sluice/websocket`, or `undefined` when that package does
 * not provide it (then upgrades are answered with 501).
 */
export function loadWebSocketFactory(): Promise<WebSocketFactory | undefined> {
  factory ??= import("@sluice/websocket").then(
    (module: Record<string, unknown>) => {
      const create = module["createWebSocketHandler"];
      return typeof create === "function" ? (create as WebSocketFactory) : undefined;
    },
    () => undefined,
  );
  return factory;
}
