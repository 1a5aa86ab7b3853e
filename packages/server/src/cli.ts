#!/usr/bin/env node
// The `sluice` command: sluice [options] <module-path>:<export>
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { consoleLogger } from "./logger.js";
import { CliUsageError, helpText, parseCli } from "./internal/cli-args.js";
import { EXIT, runServerProcess } from "./internal/run-server-process.js";
import { runSupervisor } from "./internal/supervisor.js";

async function main(): Promise<number> {
  let request;
  try {
    request = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`sluice: ${error.message}\nRun "sluice --help" for usage.\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (request.kind === "help") {
    process.stdout.write(helpText());
    return EXIT.ok;
  }
  if (request.kind === "version") {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`sluice ${pkg.version}\n`);
    return EXIT.ok;
  }
  const logger = consoleLogger();
  const config = request.config;
  const code = config.workers > 1 && cluster.isPrimary ? await runSupervisor(config.workers, logger) : await runServerProcess(config, logger);
  logger.flush?.();
  return code;
}

main().then(
  (code) => {
    // A worker's IPC channel would keep it alive: leave at once (stdio writes are synchronous on pipes and files).
    if (cluster.isWorker) process.exit(code);
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`sluice: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.error);
  },
);
