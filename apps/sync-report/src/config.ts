import { fileURLToPath } from "node:url";
import { SluiceError } from "@sluice/core";

/** Settings of the app, read from the environment. */
export interface ReportConfig {
  /** The SQLite file (`SYNC_REPORT_DB`; default `data/sales.sqlite` in the app folder; `:memory:` allowed). */
  readonly databasePath: string;
  /** Sales generated into it (`SYNC_REPORT_ROWS`; default 100000). */
  readonly rows: number;
}

/** A setting in the environment is unusable. Code `ERR_SYNC_REPORT_CONFIG`. */
export class ConfigError extends SluiceError {
  constructor(message: string) {
    super("ERR_SYNC_REPORT_CONFIG", message);
  }
}

/** The most rows the generator accepts (a 10-million-row file is about 500 MB). */
export const MAX_ROWS = 10_000_000;

/**
 * Reads `SYNC_REPORT_DB` and `SYNC_REPORT_ROWS`.
 *
 * @throws ConfigError when `SYNC_REPORT_ROWS` is not a whole number from 1 to 10,000,000
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ReportConfig {
  const rowsText = env.SYNC_REPORT_ROWS ?? "100000";
  const rows = /^\d+$/.test(rowsText) ? Number(rowsText) : Number.NaN;
  if (!(rows >= 1 && rows <= MAX_ROWS)) {
    throw new ConfigError(`SYNC_REPORT_ROWS must be a whole number from 1 to ${MAX_ROWS}, got ${JSON.stringify(rowsText)}`);
  }
  const databasePath = env.SYNC_REPORT_DB ?? fileURLToPath(new URL("../data/sales.sqlite", import.meta.url));
  return { databasePath, rows };
}
