import type { SyncApp } from "@sluice/core";
import { readConfig } from "./config.js";
import { createReportApp } from "./report-app.js";
import { SalesStore } from "./sales-store.js";

const config = readConfig();

/**
 * The sales-report app configured from the environment (`SYNC_REPORT_DB`, `SYNC_REPORT_ROWS`).
 * Serve it on the worker pool with `sluice dist/app.js:app --interface sync --threads 4`: each
 * worker thread imports this module and opens its own SQLite connection on first use.
 */
export const app: SyncApp = createReportApp({ openStore: () => SalesStore.open(config.databasePath, { rows: config.rows }) });
