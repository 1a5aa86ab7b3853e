import { open } from "node:fs/promises";
import {
  getHeaderValues,
  type Headers,
  type HTTPResponseBodyEvent,
  type HTTPResponsePathsendEvent,
  type HTTPResponseStartEvent,
  type HTTPScope,
  type Send,
  type SendEvent,
} from "@sluice/core";
import { CompressionError } from "../errors.js";
import type { ResolvedOptions } from "../options.js";
import type { Codec } from "./codecs.js";
import { planResponse, type RequestFacts } from "./plan.js";
import { declaredLength, encodedHeaders } from "./response-headers.js";
import { StreamEncoder } from "./stream-encoder.js";

const EMPTY = new Uint8Array(0);
/** Read size when encoding a file sent with `http.response.pathsend`. */
const FILE_CHUNK_SIZE = 64 * 1024;

type State =
  /** Waiting for `http.response.start`. */
  | { name: "before-start" }
  /** Start held until the first body message shows whether (and how) to encode. */
  | { name: "held"; codec: Codec; start: HTTPResponseStartEvent; identityHeaders: Headers; force: boolean }
  /** Every further event goes downstream unchanged. */
  | { name: "pass" }
  /** Body messages go through `encoder`. */
  | { name: "encoding"; encoder: StreamEncoder; codec: Codec }
  /** A 406 went out instead of the app's response; the app's body is dropped. */
  | { name: "replaced" }
  /** The codec failed; every further send rejects with `error`. */
  | { name: "failed"; error: Error };

/** The request facts the middleware needs, read once from the scope. */
export function requestFacts(scope: HTTPScope): RequestFacts {
  const fields = getHeaderValues(scope.headers, "accept-encoding");
  return { isHead: scope.method === "HEAD", acceptEncoding: fields.length === 0 ? undefined : fields.join(", ") };
}

/**
 * The `send` the wrapped app sees for one HTTP response: decides at `http.response.start`
 * whether the response may be encoded, holds the start until the first body message, then
 * encodes body messages one by one, awaiting the downstream `send` for every piece.
 */
export class CompressingResponse {
  readonly #downstream: Send;
  readonly #request: RequestFacts;
  readonly #options: ResolvedOptions;
  #state: State = { name: "before-start" };

  constructor(downstream: Send, request: RequestFacts, options: ResolvedOptions) {
    this.#downstream = downstream;
    this.#request = request;
    this.#options = options;
  }

  /** Handles one event from the app. */
  send = async (event: SendEvent): Promise<void> => {
    const state = this.#state;
    switch (state.name) {
      case "before-start":
        return event.type === "http.response.start" ? this.#start(event) : this.#downstream(event);
      case "held":
        return this.#first(state, event);
      case "encoding":
        return event.type === "http.response.body" ? this.#encodeNext(state, event) : this.#downstream(event);
      case "pass":
        return this.#downstream(event);
      case "replaced":
        return;
      case "failed":
        throw state.error;
    }
  };

  /** Releases the codec when the app is done (normally or not). */
  close(): void {
    if (this.#state.name === "encoding") this.#state.encoder.destroy();
  }

  async #start(start: HTTPResponseStartEvent): Promise<void> {
    const plan = planResponse(this.#request, start, this.#options);
    switch (plan.kind) {
      case "pass":
        this.#state = { name: "pass" };
        return this.#downstream({ ...start, headers: plan.headers });
      case "encode":
        this.#state = { name: "held", codec: plan.codec, start, identityHeaders: plan.identityHeaders, force: plan.force };
        return;
      case "not-acceptable":
        this.#state = { name: "replaced" };
        return this.#sendNotAcceptable();
    }
  }

  async #first(held: Extract<State, { name: "held" }>, event: SendEvent): Promise<void> {
    if (event.type === "http.response.pathsend") return this.#encodeFile(held, event);
    if (event.type !== "http.response.body") {
      // zerocopysend (and anything unexpected) goes out as the app sent it.
      return this.#sendIdentity(held, event);
    }
    const body = event.body ?? EMPTY;
    const minimumSize = this.#options.minimumSize;
    if (event.more_body !== true) {
      if (!held.force && body.byteLength < minimumSize) return this.#sendIdentity(held, event);
      return this.#encodeWhole(held, body);
    }
    const length = declaredLength(held.start.headers ?? []);
    if (!held.force && length !== undefined && length < minimumSize) return this.#sendIdentity(held, event);

    const encoding = await this.#startEncoding(held);
    return this.#encodeNext(encoding, event);
  }

  /** Creates the streaming encoder and sends the encoded response's start. */
  async #startEncoding(held: Extract<State, { name: "held" }>): Promise<Extract<State, { name: "encoding" }>> {
    let encoder: StreamEncoder;
    try {
      encoder = new StreamEncoder(held.codec.createStream());
    } catch (error) {
      throw this.#fail(held.codec, error);
    }
    const encoding: Extract<State, { name: "encoding" }> = { name: "encoding", encoder, codec: held.codec };
    this.#state = encoding;
    await this.#downstream({ ...held.start, headers: encodedHeaders(held.start.headers ?? [], held.codec.name) });
    return encoding;
  }

  /**
   * A file sent with `http.response.pathsend`: below `minimumSize` the pathsend goes through
   * untouched (zero-copy); otherwise the file is read in chunks and encoded, each chunk sent
   * before the next is read. A file that cannot be opened rejects before anything is sent.
   */
  async #encodeFile(held: Extract<State, { name: "held" }>, event: HTTPResponsePathsendEvent): Promise<void> {
    const file = await open(event.path, "r");
    try {
      const size = declaredLength(held.start.headers ?? []) ?? (await file.stat()).size;
      if (!held.force && size < this.#options.minimumSize) return await this.#sendIdentity(held, event);
      const encoding = await this.#startEncoding(held);
      for await (const chunk of file.createReadStream({ highWaterMark: FILE_CHUNK_SIZE, autoClose: false })) {
        await this.#pump(encoding, encoding.encoder.chunk(chunk as Buffer), false);
      }
      await this.#pump(encoding, encoding.encoder.finish(EMPTY), true);
    } finally {
      await file.close();
    }
  }

  async #sendIdentity(held: Extract<State, { name: "held" }>, event: SendEvent): Promise<void> {
    this.#state = { name: "pass" };
    await this.#downstream({ ...held.start, headers: held.identityHeaders });
    return this.#downstream(event);
  }

  async #encodeWhole(held: Extract<State, { name: "held" }>, body: Uint8Array): Promise<void> {
    let encoded: Buffer;
    try {
      encoded = await held.codec.encode(body);
    } catch (error) {
      throw this.#fail(held.codec, error);
    }
    this.#state = { name: "pass" };
    await this.#downstream({ ...held.start, headers: encodedHeaders(held.start.headers ?? [], held.codec.name) });
    return this.#downstream({ type: "http.response.body", body: encoded, more_body: false });
  }

  async #encodeNext(state: Extract<State, { name: "encoding" }>, event: HTTPResponseBodyEvent): Promise<void> {
    const body = event.body ?? EMPTY;
    if (event.more_body === true) {
      if (body.byteLength === 0) return;
      return this.#pump(state, state.encoder.chunk(body), false);
    }
    return this.#pump(state, state.encoder.finish(body), true);
  }

  /**
   * Sends every piece `pieces` yields downstream, one at a time. For the last message the final
   * piece is held back so it can carry `more_body: false`.
   */
  async #pump(state: Extract<State, { name: "encoding" }>, pieces: AsyncGenerator<Buffer, void, undefined>, last: boolean): Promise<void> {
    let held: Buffer | null = null;
    for (;;) {
      let step: IteratorResult<Buffer, void>;
      try {
        step = await pieces.next();
      } catch (error) {
        throw this.#fail(state.codec, error);
      }
      if (step.done === true) break;
      const piece = step.value;
      if (last) {
        const previous = held;
        held = piece;
        if (previous === null) continue;
        await this.#forward(state, pieces, { type: "http.response.body", body: previous, more_body: true });
      } else {
        await this.#forward(state, pieces, { type: "http.response.body", body: piece, more_body: true });
      }
    }
    if (!last) return;
    this.#state = { name: "pass" };
    state.encoder.destroy();
    await this.#downstream({ type: "http.response.body", body: held ?? EMPTY, more_body: false });
  }

  /** Sends one encoded piece; when the downstream send fails, stops the codec and rethrows. */
  async #forward(state: Extract<State, { name: "encoding" }>, pieces: AsyncGenerator<Buffer, void, undefined>, event: HTTPResponseBodyEvent): Promise<void> {
    try {
      await this.#downstream(event);
    } catch (error) {
      await pieces.return();
      state.encoder.destroy();
      this.#state = { name: "failed", error: error instanceof Error ? error : new Error(String(error)) };
      throw error;
    }
  }

  #fail(codec: Codec, cause: unknown): CompressionError {
    if (this.#state.name === "encoding") this.#state.encoder.destroy();
    const error = new CompressionError(codec.name, { cause });
    this.#state = { name: "failed", error };
    return error;
  }

  async #sendNotAcceptable(): Promise<void> {
    const offered = this.#options.codecs.map((codec) => codec.name).join(", ");
    const body = Buffer.from(`406 Not Acceptable: Accept-Encoding allows neither identity nor any coding this server offers (${offered}).\n`);
    await this.#downstream({
      type: "http.response.start",
      status: 406,
      headers: [
        ["content-type", "text/plain; charset=utf-8"],
        ["content-length", String(body.byteLength)],
        ["vary", "Accept-Encoding"],
      ],
    });
    await this.#downstream({ type: "http.response.body", body, more_body: false });
  }
}
