// `pnpm seed`: creates (or checks) the database file before the first request needs it.
import { readConfig } from "./config.js";
import { SalesStore } from "./sales-store.js";

const config = readConfig();
const started = performance.now();
const store = SalesStore.open(config.databasePath, { rows: config.rows });
console.log(`${config.databasePath} holds ${store.rowCount} sales (ready in ${Math.round(performance.now() - started)} ms)`);
store.close();
