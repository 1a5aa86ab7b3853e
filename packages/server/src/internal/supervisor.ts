import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import type { Logger } from "../logger.js";
import { EXIT, type ListeningMessage, type RetireMessage, type RetiringMessage } from "./run-server-process.js";

interface WorkerInfo {
  listening: boolean;
  /** Being replaced: its exit is expected. */
  retiring: boolean;
  /** Started by a replacement; if it fails to start, the old worker stays. */
  replacement: boolean;
}

/**
 * The `--workers N` supervisor (cluster primary). Forks N workers that each run the whole
 * server (own lifespan, shared listening socket); replaces a worker that dies after it was
 * listening; on SIGHUP replaces them one at a time (new worker listening before the old one
 * is asked to retire); on SIGTERM/SIGINT stops them all gracefully; relays "sluice:relay"
 * messages from any worker to all workers. A worker that dies before
 * listening (bad app, lifespan failure) stops the whole program with that worker's exit code.
 * Resolves with the program's exit code.
 */
export function runSupervisor(workerCount: number, logger: Logger): Promise<number> {
  const info = new Map<Worker, WorkerInfo>();
  const phase = { shuttingDown: false, restarting: false };
  const stopping = (): boolean => phase.shuttingDown;
  let announced = false;
  let exitCode: number = EXIT.ok;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const listeningWaiters = new Map<Worker, (ok: boolean) => void>();
  let retryDelay = 500;

  logger.log("info", `Started supervisor process [${process.pid}] with ${workerCount} workers`);
  cluster.setupPrimary({ exec: process.argv[1] ?? "", args: process.argv.slice(2) });

  const fork = (): Worker => {
    const worker = cluster.fork();
    info.set(worker, { listening: false, retiring: false, replacement: false });
    // E.g. EPIPE when a connection is handed to a worker that is dying; its exit is handled below.
    worker.on("error", (error: Error) => {
      logger.log("debug", `worker [${worker.process.pid ?? "?"}] channel error: ${error.message}`);
    });
    worker.on("message", (message: unknown) => {
      if (isRelay(message)) {
        relayToAllWorkers(message);
        return;
      }
      if (isRetiring(message)) {
        void replace(worker, "reached --limit-max-requests");
        return;
      }
      if (!isListening(message)) return;
      const entry = info.get(worker);
      if (entry !== undefined) entry.listening = true;
      listeningWaiters.get(worker)?.(true);
      listeningWaiters.delete(worker);
      if (!announced && [...info.values()].filter((item) => item.listening).length >= workerCount) {
        announced = true;
        logger.log("info", `Sluice running on ${message.url} with ${workerCount} workers (Press CTRL+C to quit)`);
      }
    });
    return worker;
  };

  /**
   * The cluster relay (used by `@sluice/broadcast`'s `cluster://`): a worker message that is an
   * object with the key "sluice:relay" goes, unchanged, to every live worker, the sender
   * included, so all workers see relayed messages in one order.
   */
  const relayToAllWorkers = (message: object): void => {
    for (const worker of info.keys()) {
      if (worker.isDead() || !worker.isConnected()) continue;
      try {
        worker.send(message);
      } catch (error) {
        logger.log("debug", `relay to worker [${worker.process.pid ?? "?"}] failed: ${(error as Error).message}`);
      }
    }
  };

  const stopAll = (code: number): void => {
    if (phase.shuttingDown) return;
    phase.shuttingDown = true;
    exitCode = code;
    if (info.size === 0) finish(exitCode);
    for (const worker of info.keys()) worker.process.kill("SIGTERM");
  };

  cluster.on("exit", (worker, code, signal) => {
    const entry = info.get(worker);
    info.delete(worker);
    listeningWaiters.get(worker)?.(false);
    listeningWaiters.delete(worker);
    const how = (signal as string | null) === null ? `exit code ${code}` : `signal ${signal}`;
    if (phase.shuttingDown) {
      if (info.size === 0) finish(exitCode);
      return;
    }
    if (entry === undefined || entry.retiring) return;
    if (!entry.listening) {
      if (!announced) {
        logger.log("error", `Worker [${worker.process.pid ?? "?"}] failed to start (${how}); stopping`);
        stopAll(code === EXIT.lifespanFailed ? EXIT.lifespanFailed : EXIT.error);
        return;
      }
      if (entry.replacement) {
        logger.log("error", `Replacement worker [${worker.process.pid ?? "?"}] failed to start (${how}); keeping the old one`);
        return;
      }
      logger.log("error", `Worker [${worker.process.pid ?? "?"}] failed to start (${how}); retrying in ${retryDelay} ms`);
      setTimeout(() => {
        if (!stopping()) fork();
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10_000);
      return;
    }
    retryDelay = 500;
    logger.log("warning", `Worker [${worker.process.pid ?? "?"}] died (${how}); starting a replacement`);
    fork();
  });

  const untilListening = (worker: Worker): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      listeningWaiters.set(worker, resolve);
    });

  /**
   * Starts a fresh worker, waits until it listens, then asks `old` to retire: it stops
   * accepting and finishes, leaving idle keep-alive connections for the peer to close (a
   * SIGTERM would reset them, and a proxy writing a request on one at that moment loses it).
   */
  const replace = async (old: Worker, why: string): Promise<boolean> => {
    const entry = info.get(old);
    if (entry === undefined || entry.retiring || stopping()) return true;
    entry.retiring = true;
    logger.log("info", `Replacing worker [${old.process.pid ?? "?"}] (${why})`);
    const fresh = fork();
    const freshEntry = info.get(fresh);
    if (freshEntry !== undefined) freshEntry.replacement = true;
    if (!(await untilListening(fresh))) {
      entry.retiring = false;
      return false;
    }
    const exited = new Promise<void>((resolve) => old.once("exit", () => resolve()));
    if (!old.isDead()) {
      const retire: RetireMessage = { type: "sluice:retire" };
      try {
        old.send(retire);
      } catch {
        old.process.kill("SIGTERM");
      }
    }
    await exited;
    return true;
  };

  const rollingRestart = async (): Promise<void> => {
    if (phase.restarting || phase.shuttingDown) return;
    phase.restarting = true;
    logger.log("info", "Received SIGHUP; restarting workers one by one");
    for (const old of [...info.keys()]) {
      if (stopping()) break;
      if (!(await replace(old, "SIGHUP"))) break;
    }
    phase.restarting = false;
    logger.log("info", "Rolling restart complete");
  };

  const onStop = (signal: NodeJS.Signals): void => {
    logger.log("info", `Received ${signal}; stopping workers`);
    stopAll(EXIT.ok);
  };
  process.on("SIGTERM", onStop);
  process.on("SIGINT", onStop);
  process.on("SIGHUP", () => void rollingRestart());

  for (let i = 0; i < workerCount; i++) fork();
  return done.then((code) => {
    logger.log("info", `Stopped supervisor process [${process.pid}]`);
    return code;
  });
}

function isRelay(message: unknown): message is object {
  return typeof message === "object" && message !== null && Object.hasOwn(message, "sluice:relay");
}

function isRetiring(message: unknown): message is RetiringMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "sluice:retiring";
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "sluice:listening";
}
