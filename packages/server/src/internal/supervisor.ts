import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import type { Logger } from "../logger.js";
import { EXIT, type ListeningMessage } from "./run-server-process.js";

interface WorkerInfo {
  listening: boolean;
  retiring: boolean;
}

/**
 * The `--workers N` supervisor (cluster primary). Forks N workers that each run the whole
 * server (own lifespan, shared listening socket); replaces a worker that dies after it was
 * listening; on SIGHUP replaces them one at a time (new worker listening before the old one
 * is asked to stop); on SIGTERM/SIGINT stops them all gracefully. A worker that dies before
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

  logger.log("info", `Started supervisor process [${process.pid}] with ${workerCount} workers`);
  cluster.setupPrimary({ exec: process.argv[1] ?? "", args: process.argv.slice(2) });

  const fork = (): Worker => {
    const worker = cluster.fork();
    info.set(worker, { listening: false, retiring: false });
    worker.on("message", (message: unknown) => {
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
      logger.log("error", `Worker [${worker.process.pid ?? "?"}] failed to start (${how}); stopping`);
      stopAll(code === EXIT.lifespanFailed ? EXIT.lifespanFailed : EXIT.error);
      return;
    }
    logger.log("warning", `Worker [${worker.process.pid ?? "?"}] died (${how}); starting a replacement`);
    fork();
  });

  const untilListening = (worker: Worker): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      listeningWaiters.set(worker, resolve);
    });

  const rollingRestart = async (): Promise<void> => {
    if (phase.restarting || phase.shuttingDown) return;
    phase.restarting = true;
    logger.log("info", "Received SIGHUP; restarting workers one by one");
    for (const old of [...info.keys()]) {
      if (stopping()) break;
      const fresh = fork();
      if (!(await untilListening(fresh))) break;
      const entry = info.get(old);
      if (entry === undefined) continue;
      entry.retiring = true;
      const exited = new Promise<void>((resolve) => old.once("exit", () => resolve()));
      old.process.kill("SIGTERM");
      await exited;
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

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "sluice:listening";
}
