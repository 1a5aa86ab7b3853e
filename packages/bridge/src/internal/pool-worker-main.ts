// Entry of a pool worker thread: loads the sync app (for app pools) and runs one job at a time.
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { SyncApp } from "@sluice/core";
import { BlockingInput } from "./blocking-input.js";
import { completeEnviron, errorStream } from "./environ.js";
import type { CallJobMessage, HttpJobMessage, PoolWorkerData, ToWorkerMessage } from "./messages.js";
import { importFunction } from "./module-export.js";
import { runSyncRequest } from "./run-sync-request.js";
import { serializeError } from "./serialized-error.js";
import { WorkerChannel } from "./worker-channel.js";

const data = workerData as PoolWorkerData;
const port = parentPort;
if (port === null) throw new Error("pool-worker-main must run as a worker thread");
const channel = new WorkerChannel(data.control, data.input, port, data.outputWindow);
// On Linux a thread's niceness is its own, so this lowers only this worker, never the event loop.
if (data.niceness !== 0 && process.platform === "linux") {
  try {
    setPriority(data.niceness);
  } catch {
    // Not permitted (e.g. a negative value without privileges): keep the inherited priority.
  }
}
let app: SyncApp | undefined;
let loadError: unknown;

try {
  for (const url of data.preload) await import(url);
} catch (error) {
  loadError = error;
}

if (loadError !== undefined) {
  channel.post({ t: "load-error", error: serializeError(loadError) });
} else if (data.app !== undefined) {
  try {
    app = (await importFunction(data.app.moduleUrl, data.app.exportName)) as unknown as SyncApp;
    channel.post({ t: "ready" });
  } catch (error) {
    loadError = error;
    channel.post({ t: "load-error", error: serializeError(error) });
  }
} else {
  channel.post({ t: "ready" });
}

port.on("message", (message: ToWorkerMessage) => {
  if (message.t === "http") handleHttp(message);
  else void handleCall(message);
});

function handleHttp(job: HttpJobMessage): void {
  try {
    if (app === undefined) throw loadError instanceof Error ? loadError : new Error(`this worker could not load its sync app: ${String(loadError)}`);
    const contentLength = job.cgi["CONTENT_LENGTH"];
    const limit = contentLength !== undefined && /^\d+$/.test(contentLength) ? Number(contentLength) : Infinity;
    const input = new BlockingInput(() => channel.pullInput(), limit);
    const errors = errorStream((text) => channel.post({ t: "log", text }));
    const environ = completeEnviron(job.cgi, job.scheme, input, errors, { multiprocess: job.multiprocess });
    const doneSent = runSyncRequest(app, environ, {
      body: (head, chunk, more, done) => channel.postBody(head, chunk, more, done),
      pathsend: (head, path) => channel.post({ t: "pathsend", head, path }),
    }, job.pathsend);
    if (!doneSent) channel.post({ t: "http-done" });
  } catch (error) {
    channel.post({ t: "http-error", error: serializeError(error) });
  }
}

async function handleCall(job: CallJobMessage): Promise<void> {
  try {
    const fn = await importFunction(job.moduleUrl, job.exportName);
    const value = await (fn as (...args: unknown[]) => unknown)(...job.args);
    try {
      channel.post({ t: "result", ok: true, value });
    } catch (error) {
      channel.post({ t: "result", ok: false, error: serializeError(error) });
    }
  } catch (error) {
    channel.post({ t: "result", ok: false, error: serializeError(error) });
  }
}
