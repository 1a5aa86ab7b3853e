import cluster from "node:cluster";
import { AppLoadError, InvalidServerOption, LifespanStartupFailed } from "../errors.js";
import type { Logger } from "../logger.js";
import { startServer, type SupervisedServer } from "../serve.js";
import type { CliConfig } from "./cli-args.js";
import { loadExport } from "./load-app.js";
import { resolveApp } from "./resolve-app.js";
import { describeError } from "./server-log.js";

/** Exit codes of the `sluice` command. */
export const EXIT = { ok: 0, error: 1, usage: 2, lifespanFailed: 3 } as const;

/** Message a worker sends its supervisor once it listens. */
export interface ListeningMessage {
  type: "sluice:listening";
  url: string;
}

/** Message a worker sends its supervisor when it reached `--limit-max-requests`. */
export interface RetiringMessage {
  type: "sluice:retiring";
}

/**
 * Message the supervisor sends a worker it has replaced: stop accepting and finish, but leave
 * idle keep-alive connections for the peer to close (see `SluiceServer.retire`).
 */
export interface RetireMessage {
  type: "sluice:retire";
}

/** Whether an IPC message is the supervisor's {@link RetireMessage}. */
export function isRetireMessage(message: unknown): message is RetireMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "sluice:retire";
}

/**
 * Runs one server in this process (the whole program with `--workers 1`, or one worker):
 * loads the app, serves it, shuts down gracefully on SIGTERM/SIGINT. Resolves with the exit code.
 */
export async function runServerProcess(config: CliConfig, logger: Logger): Promise<number> {
  const say = (level: "info" | "error", line: string): void => {
    logger.log(level, line);
  };
  say("info", `Started server process [${process.pid}]`);
  let resolved;
  try {
    const loaded = await loadExport(config.target, process.cwd());
    if (config.factory) {
      if (typeof loaded.value !== "function") throw new AppLoadError(config.target, `--factory: export "${loaded.exportName}" is not a function`);
      loaded.value = await (loaded.value as () => unknown)();
      if (config.interface === "sync") throw new AppLoadError(config.target, "--factory cannot be combined with --interface sync");
    }
    resolved = await resolveApp(loaded, config.factory ? "async" : config.interface, config.threads);
  } catch (error) {
    say("error", error instanceof AppLoadError ? `Error loading app: ${error.message}` : `Error loading app: ${describeError(error)}`);
    return EXIT.error;
  }
  // Signal handlers go in before the server starts, so a signal during startup is not fatal.
  let running: SupervisedServer | undefined;
  const state = { stopRequested: false };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      say("info", `Received ${signal}; shutting down gracefully`);
      state.stopRequested = true;
      if (running !== undefined) void running.close();
    } else {
      say("error", `Received ${signal} again; exiting immediately`);
      process.exit(EXIT.error);
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  if (cluster.isWorker) process.on("SIGHUP", () => undefined);
  const retireRequested = { value: false };
  if (cluster.isWorker) {
    process.on("message", (message: unknown) => {
      if (!isRetireMessage(message) || retireRequested.value) return;
      retireRequested.value = true;
      say("info", "Replaced by the supervisor; retiring");
      if (running !== undefined) void running.retire();
    });
  }
  try {
    const askForReplacement = (): void => {
      const message: RetiringMessage = { type: "sluice:retiring" };
      process.send?.(message);
    };
    running = await startServer(resolved.app, { ...config.serve, logger }, cluster.isWorker ? askForReplacement : null);
  } catch (error) {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await resolved.close().catch(() => undefined);
    if (error instanceof LifespanStartupFailed) {
      say("error", error.message);
      return EXIT.lifespanFailed;
    }
    if (error instanceof InvalidServerOption) {
      say("error", `Invalid option: ${error.message}`);
      return EXIT.usage;
    }
    const systemError = error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
    say("error", `Could not start the server: ${systemError ? error.message : describeError(error)}`);
    return EXIT.error;
  }
  if (cluster.isWorker) {
    const message: ListeningMessage = { type: "sluice:listening", url: running.url };
    process.send?.(message);
  }
  if (state.stopRequested) void running.close();
  else if (retireRequested.value) void running.retire();
  await running.closed;
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  await resolved.close().catch((error: unknown) => say("error", `closing the app failed: ${describeError(error)}`));
  return EXIT.ok;
}
