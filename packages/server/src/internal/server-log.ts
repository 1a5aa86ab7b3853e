import type { Logger, LogLevel } from "../logger.js";
import { LOG_LEVEL_RANK } from "../logger.js";

/** Level-filtered front of a {@link Logger}; cheap checks for the hot path. */
export class ServerLog {
  /** Whether access lines are written (access log on and level ≤ info). */
  readonly accessEnabled: boolean;
  private readonly rank: number;

  constructor(
    private readonly logger: Logger,
    level: LogLevel,
    accessLog: boolean,
  ) {
    this.rank = LOG_LEVEL_RANK[level];
    this.accessEnabled = accessLog && this.rank <= LOG_LEVEL_RANK.info;
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVEL_RANK[level] >= this.rank;
  }

  log(level: LogLevel, message: string, error?: unknown): void {
    if (!this.enabled(level)) return;
    this.logger.log(level, error === undefined ? message : `${message}\n${describeError(error)}`);
  }

  error(message: string, error?: unknown): void {
    this.log("error", message, error);
  }

  warning(message: string): void {
    this.log("warning", message);
  }

  info(message: string): void {
    this.log("info", message);
  }

  debug(message: string): void {
    this.log("debug", message);
  }

  access(line: string): void {
    this.logger.access(line);
  }

  flush(): void {
    this.logger.flush?.();
  }
}

/** The stack (or message) of a thrown value, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `thrown value: ${JSON.stringify(error)}`;
  } catch {
    return `thrown value: ${String(error)}`;
  }
}
