// Public surface of @sluice/bridge.
export { workerPoolApp } from "./worker-pool-app.js";
export type { PooledApp, WorkerPoolAppOptions } from "./worker-pool-app.js";
export { inlineSyncApp } from "./inline-sync-app.js";
export type { InlineSyncAppOptions } from "./inline-sync-app.js";
export { asyncAppAsSyncApp } from "./async-app-as-sync-app.js";
export type { AsyncAppModule } from "./async-app-as-sync-app.js";
export { WorkerPool } from "./worker-pool.js";
export type { PoolStats, WorkerPoolOptions } from "./worker-pool.js";
export { sharedWorkerPool, syncToAsync } from "./sync-to-async.js";
export type { SyncToAsyncOptions } from "./sync-to-async.js";
export { asyncToSync } from "./async-to-sync.js";
export type { AsyncToSyncOptions } from "./async-to-sync.js";
export { isSyncApp } from "./is-sync-app.js";
export {
  AsyncCallTimeoutError,
  BridgeConfigError,
  BodyTooLargeError,
  ModuleExportError,
  PoolClosedError,
  QueueFullError,
  WorkerCrashedError,
  WorkerTimeoutError,
} from "./errors.js";
