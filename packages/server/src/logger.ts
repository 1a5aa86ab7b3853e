/**
 * Log severities, least to most severe (uvicorn's names).
 *
 * @example
 * ```ts
 * await serve(app, { logLevel: "warning" }); // hides info lines and the access log
 * ```
 */
export type LogLevel = "trace" | "debug" | "info" | "warning" | "error" | "critical";

/**
 * Receives the server's log output. `log` gets already-filtered, formatted lines without a
 * trailing newline; `access` gets one line per finished request.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const logger: Logger = { log: (_level, line) => lines.push(line), access: (line) => lines.push(line) };
 * await serve(app, { logger });
 * ```
 */
export interface Logger {
  /** A diagnostic line (startup, errors with stacks, shutdown). */
  log(level: LogLevel, line: string): void;
  /** An access-log line: `client - "METHOD target HTTP/1.1" status bytes duration`. */
  access(line: string): void;
  /** Writes out anything buffered (called on shutdown). Optional. */
  flush?(): void;
}

/** Numeric rank of each level; higher is more severe (internal). */
export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  trace: 5,
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
};

const ACCESS_FLUSH_BYTES = 16 * 1024;

/**
 * The default logger: diagnostic lines to stderr as `LEVEL:    message` (uvicorn's layout),
 * access lines to stdout, buffered and written at most once per event-loop turn (or every
 * 16 KiB) so logging does not dominate the request hot path.
 *
 * @example
 * ```ts
 * const logger = consoleLogger();
 * logger.log("info", "Sluice running on http://127.0.0.1:8000");
 * ```
 */
export function consoleLogger(): Logger {
  let pending = "";
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === "") return;
    const text = pending;
    pending = "";
    process.stdout.write(text);
  };
  return {
    log(level, line) {
      flush();
      process.stderr.write(`${`${level.toUpperCase()}:`.padEnd(10)}${line}\n`);
    },
    access(line) {
      pending += `INFO:     ${line}\n`;
      if (pending.length >= ACCESS_FLUSH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
