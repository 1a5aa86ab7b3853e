// Public surface of @sluice/websocket.
export { createWebSocketHandler } from "./create-websocket-handler.js";
export type { WebSocketHandler } from "./create-websocket-handler.js";
export { DEFAULT_MAX_SIZE } from "./options.js";
export type { WebSocketLogger, WebSocketOptions, WebSocketScopeOverrides } from "./options.js";
export { WebSocketOptionError } from "./errors.js";
