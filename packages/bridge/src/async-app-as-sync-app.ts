import { MessageChannel, type MessagePort } from "node:worker_threads";
import { ProtocolError, statusLine, type Environ, type HTTPSendEvent, type InputStream, type SyncApp, type SyncResponse } from "@sluice/core";
import { postToHelper, waitForMessage } from "./internal/helper-client.js";
import type { AppReply, AppRequest } from "./internal/helper-messages.js";
import { toModuleUrl } from "./internal/module-export.js";
import { scopeFromEnviron } from "./internal/scope-from-environ.js";
import { deserializeError } from "./internal/serialized-error.js";

/**
 * Where the async app is, for `asyncAppAsSyncApp()`.
 *
 * @example
 * ```ts
 * const target: AsyncAppModule = { module: "./api.mjs", exportName: "app" };
 * ```
 */
export interface AsyncAppModule {
  /** The module exporting the async app: a file path or a URL. */
  module: string | URL;
  /** The name of the export. */
  exportName: string;
  /** Bytes read from `wsgi.input` per `receive()` of the async app. Default: `65536`. */
  readSize?: number;
}

/**
 * Exposes an async app as a sync app, e.g. to mount an async sub-app inside a sync app running
 * on the worker pool. Each call runs the async app on this thread's helper thread (its own event
 * loop) while the caller blocks: `receive()` reads `wsgi.input` as the async app asks,
 * `http.response.start` becomes `startResponse`, and each body chunk is yielded by the returned
 * iterable, the async app's `send()` resolving only when the caller asks for the next chunk
 * (backpressure). `close()` before the end answers the app with `http.disconnect` /
 * `ClientDisconnected` and waits for it to finish. An error before the response starts is thrown
 * from the call; after, from the iteration.
 *
 * The async app is given by module and export, because functions cannot cross threads. No scope
 * extensions are advertised; `http.disconnect` is returned once the body is read and the response
 * has completed (or the caller closed the iterable).
 *
 * @param target the module and export of the async app; see `AsyncAppModule`
 * @example
 * ```ts
 * const api = asyncAppAsSyncApp({ module: new URL("./api.mjs", import.meta.url), exportName: "app" });
 * export const app: SyncApp = (environ, startResponse) =>
 *   String(environ.PATH_INFO).startsWith("/api") ? api(environ, startResponse) : legacy(environ, startResponse);
 * ```
 */
export function asyncAppAsSyncApp(target: AsyncAppModule): SyncApp {
  const moduleUrl = toModuleUrl(target.module);
  const readSize = target.readSize ?? 64 * 1024;
  return (environ, startResponse) => {
    const call = new AsyncAppCall(moduleUrl, target.exportName, environ, readSize);
    const first = call.nextSend();
    if (first === undefined) throw new ProtocolError("http-response-incomplete", "the async app returned without sending http.response.start");
    if (first.event.type !== "http.response.start") {
      call.refuse(first.id, `expected http.response.start first, got ${first.event.type}`);
      call.close();
      throw new ProtocolError("http-body-before-start", `the async app sent ${first.event.type} before http.response.start`, first.event);
    }
    startResponse(statusLine(first.event.status), [...(first.event.headers ?? [])]);
    call.ack(first.id);
    return call.body();
  };
}

type SendRequest = { id: number; event: HTTPSendEvent };

/** One request of an async app run on the helper thread, driven from the blocked caller. */
class AsyncAppCall {
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #input: InputStream;
  readonly #readSize: number;
  readonly #parkedReceives: number[] = [];
  #bodyRead = false;
  #responseDone = false;
  #closing = false;
  #finished = false;
  #unacked: number | undefined;

  constructor(moduleUrl: string, exportName: string, environ: Environ, readSize: number) {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.#port = port1;
    this.#signal = new Int32Array(signal);
    this.#input = environ["wsgi.input"];
    this.#readSize = readSize;
    postToHelper({ t: "app", port: port2, signal, moduleUrl, exportName, scope: scopeFromEnviron(environ) }, [port2]);
  }

  /** Blocks until the app sends an event (returned) or finishes (`undefined`); answers receives meanwhile. */
  nextSend(): SendRequest | undefined {
    for (;;) {
      if (this.#finished) return undefined;
      const request = waitForMessage(this.#port, this.#signal, Infinity) as AppRequest;
      switch (request.t) {
        case "receive":
          this.#answerReceive(request.id);
          break;
        case "send":
          if (!this.#closing) return { id: request.id, event: request.event };
          this.#reply({ id: request.id, t: "gone" });
          break;
        case "done":
          this.#finish();
          return undefined;
        case "error":
          this.#finish();
          throw deserializeError(request.error);
      }
    }
  }

  ack(id: number): void {
    this.#reply({ id, t: "ack" });
  }

  refuse(id: number, message: string): void {
    this.#reply({ id, t: "refused", message });
  }

  /** The response body as a sync iterable whose `close()` ends the call. */
  body(): SyncResponse {
    const iterator = this.#chunks();
    return {
      [Symbol.iterator]: () => iterator,
      close: () => this.close(),
    };
  }

  /** Disconnects the app if it is still running and waits for it to finish. */
  close(): void {
    if (this.#finished) return;
    this.#closing = true;
    if (this.#unacked !== undefined) this.#reply({ id: this.#unacked, t: "gone" });
    this.#unacked = undefined;
    for (const id of this.#parkedReceives.splice(0)) this.#reply({ id, t: "disconnect" });
    try {
      while (this.nextSend() !== undefined) {
        // nextSend answers every send with "gone" while closing.
      }
    } catch {
      // The app's error after the caller stopped listening has no one to go to.
    }
  }

  *#chunks(): Generator<Uint8Array, void, undefined> {
    while (!this.#responseDone) {
      const request = this.nextSend();
      if (request === undefined) {
        throw new ProtocolError("http-response-incomplete", "the async app returned before sending the last body chunk (more_body: false)");
      }
      const event = request.event;
      if (event.type !== "http.response.body") {
        this.refuse(request.id, `${event.type} is not supported when an async app runs under a sync caller`);
        continue;
      }
      if (event.more_body !== true) {
        this.#responseDone = true;
        for (const id of this.#parkedReceives.splice(0)) this.#reply({ id, t: "disconnect" });
      }
      const chunk = event.body ?? new Uint8Array(0);
      if (chunk.length > 0) {
        this.#unacked = request.id;
        yield chunk;
        this.#unacked = undefined;
      }
      this.ack(request.id);
    }
    // Let the app return after its last chunk, so its errors still reach the caller; anything it
    // sends now is answered as if the client had gone.
    this.#closing = true;
    while (this.nextSend() !== undefined) {
      // nextSend answers every send with "gone" while closing.
    }
  }

  #answerReceive(id: number): void {
    if (this.#closing || this.#responseDone) {
      this.#reply({ id, t: "disconnect" });
      return;
    }
    if (this.#bodyRead) {
      this.#parkedReceives.push(id);
      return;
    }
    const body = this.#input.read(this.#readSize);
    if (body.length === 0) this.#bodyRead = true;
    this.#reply({ id, t: "request", body, more_body: body.length > 0 });
  }

  #reply(reply: AppReply): void {
    this.#port.postMessage(reply);
  }

  #finish(): void {
    this.#finished = true;
    this.#port.close();
  }
}
