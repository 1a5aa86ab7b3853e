// Entry of the async helper thread: runs exported async functions and async apps on its own
// event loop for a caller thread that blocks (Atomics.wait) until each answer is posted.
import { ClientDisconnected, ProtocolError, type App, type HTTPReceiveEvent, type HTTPSendEvent } from "@sluice/core";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import type { AppReply, AppRequest, CallReply, HelperAppMessage, HelperCallMessage, HelperWorkerData, ToHelperMessage } from "./helper-messages.js";
import { importFunction } from "./module-export.js";
import { serializeError } from "./serialized-error.js";

const data = workerData as HelperWorkerData;
const callSignal = new Int32Array(data.signal);

process.on("uncaughtException", (error) => {
  process.stderr.write(`@sluice/bridge async helper: uncaught ${String(error)}\n`);
});

parentPort?.on("message", (message: ToHelperMessage) => {
  if (message.t === "call") void runCall(message);
  else void runApp(message);
});

function wake(signal: Int32Array): void {
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

async function runCall(message: HelperCallMessage): Promise<void> {
  let reply: CallReply;
  try {
    const fn = (await importFunction(message.moduleUrl, message.exportName)) as (...args: unknown[]) => unknown;
    reply = { id: message.id, ok: true, value: await fn(...message.args) };
  } catch (error) {
    reply = { id: message.id, ok: false, error: serializeError(error) };
  }
  try {
    data.replies.postMessage(reply);
  } catch (error) {
    data.replies.postMessage({ id: message.id, ok: false, error: serializeError(error) } satisfies CallReply);
  }
  wake(callSignal);
}

async function runApp(message: HelperAppMessage): Promise<void> {
  const link = new CallerLink(message.port, new Int32Array(message.signal));
  try {
    const app = (await importFunction(message.moduleUrl, message.exportName)) as unknown as App;
    await app(message.scope, () => link.receive(), (event) => link.send(event as HTTPSendEvent));
    link.post({ t: "done" });
  } catch (error) {
    link.post({ t: "error", error: serializeError(error) });
  }
}

/** The helper end of one app request: each receive/send becomes a request the blocked caller answers. */
class CallerLink {
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #pending = new Map<number, (reply: AppReply) => void>();
  #nextId = 1;
  #gone = false;

  constructor(port: MessagePort, signal: Int32Array) {
    this.#port = port;
    this.#signal = signal;
    port.on("message", (reply: AppReply) => {
      const resolve = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      resolve?.(reply);
    });
  }

  post(request: AppRequest): void {
    this.#port.postMessage(request);
    wake(this.#signal);
  }

  async receive(): Promise<HTTPReceiveEvent> {
    if (this.#gone) return { type: "http.disconnect" };
    const reply = await this.#ask((id) => ({ t: "receive", id }));
    if (reply.t === "request") return { type: "http.request", body: reply.body, more_body: reply.more_body };
    this.#gone = true;
    return { type: "http.disconnect" };
  }

  async send(event: HTTPSendEvent): Promise<void> {
    if (this.#gone) throw new ClientDisconnected();
    const reply = await this.#ask((id) => ({ t: "send", id, event }));
    if (reply.t === "ack") return;
    if (reply.t === "refused") throw new ProtocolError("extension-not-advertised", reply.message, event);
    this.#gone = true;
    throw new ClientDisconnected();
  }

  #ask(build: (id: number) => AppRequest): Promise<AppReply> {
    const id = this.#nextId++;
    return new Promise<AppReply>((resolve) => {
      this.#pending.set(id, resolve);
      this.post(build(id));
    });
  }
}
