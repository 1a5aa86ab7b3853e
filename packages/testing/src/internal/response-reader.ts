import { createReadStream } from "node:fs";
import type { Headers, HTTPResponseStartEvent, SendEvent } from "@sluice/core";
import { RequestAborted, UnexpectedEventError } from "../errors.js";
import type { AppConnection } from "./app-connection.js";
import { Latch } from "./latch.js";

/** The head of a response: what arrives before the body. */
export interface ResponseHead {
  status: number;
  headers: Headers;
  earlyHints: string[][];
  trailersExpected: boolean;
}

/**
 * Reads one HTTP response out of an app connection event by event, with a timeout per event
 * and an optional abort signal. Knows the response-body extensions (pathsend, trailers).
 */
export class ResponseReader {
  readonly #connection: AppConnection;
  readonly #timeoutMs: number;
  readonly #label: string;
  readonly #aborted = new Latch();
  #file: AsyncIterator<Buffer> | undefined;
  #trailersExpected = false;
  /** Trailers received so far. */
  readonly trailers: Headers = [];
  /** `true` once the response has ended. */
  complete = false;

  constructor(connection: AppConnection, timeoutMs: number, label: string, signal: AbortSignal | undefined) {
    this.#connection = connection;
    this.#timeoutMs = timeoutMs;
    this.#label = label;
    if (signal) {
      const onAbort = (): void => {
        connection.disconnect();
        this.#aborted.trip();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  async #next(awaited: string): Promise<SendEvent> {
    return this.#aborted.race(this.#connection.next(this.#timeoutMs, `${awaited} (${this.#label})`), () => {
      throw new RequestAborted();
    });
  }

  /** Waits for `http.response.start`, collecting early hints on the way. */
  async readHead(): Promise<ResponseHead> {
    const earlyHints: string[][] = [];
    for (;;) {
      const event = await this.#next("http.response.start");
      if (event.type === "http.response.early_hint") {
        earlyHints.push([...event.links]);
        continue;
      }
      if (event.type !== "http.response.start") throw new UnexpectedEventError("http.response.start", event);
      const start: HTTPResponseStartEvent = event;
      this.#trailersExpected = start.trailers === true;
      return { status: start.status, headers: start.headers ?? [], earlyHints, trailersExpected: this.#trailersExpected };
    }
  }

  /** The next body chunk (possibly empty), or `undefined` once the response has ended. */
  async readChunk(): Promise<Uint8Array | undefined> {
    if (this.#file) return this.#readFileChunk(this.#file);
    if (this.complete) return undefined;
    const event = await this.#next("http.response.body");
    switch (event.type) {
      case "http.response.body": {
        const body = event.body ?? new Uint8Array(0);
        if (event.more_body !== true) await this.#finish();
        return body;
      }
      case "http.response.pathsend":
        this.#file = createReadStream(event.path)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        return this.#readFileChunk(this.#file);
      case "http.response.trailers":
        this.trailers.push(...(event.headers ?? []));
        if (event.more_trailers !== true) this.complete = true;
        return new Uint8Array(0);
      default:
        throw new UnexpectedEventError("http.response.body", event);
    }
  }

  async #readFileChunk(file: AsyncIterator<Buffer>): Promise<Uint8Array | undefined> {
    const step = await file.next();
    if (!step.done) return step.value;
    this.#file = undefined;
    this.complete = true;
    return undefined;
  }

  async #finish(): Promise<void> {
    if (!this.#trailersExpected) {
      this.complete = true;
      return;
    }
    while (!this.complete) {
      const event = await this.#next("http.response.trailers");
      if (event.type !== "http.response.trailers") throw new UnexpectedEventError("http.response.trailers", event);
      this.trailers.push(...(event.headers ?? []));
      if (event.more_trailers !== true) this.complete = true;
    }
  }
}
