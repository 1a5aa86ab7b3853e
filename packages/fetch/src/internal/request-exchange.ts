import { ClientDisconnected, type HTTPReceive, type HTTPScope } from "@sluice/core";
import { fetchHeadersFromTuples } from "./header-conversion.js";
import { requestBodyStream } from "./request-body.js";

/**
 * The state `fromFetch` keeps for one request: what the lazy `Request` answers from, and
 * whether the response is done. The `AbortController` behind `request.signal`, and the
 * `receive()` call that watches for the client going away, exist only once the signal is read.
 */
export class RequestExchange {
  /** `true` once the last response body message was handed to `send` (or the handler gave up). */
  done = false;
  #controller: AbortController | null = null;
  #bodyEnded: boolean;
  #disconnected = false;

  constructor(
    /** Upper-case method. */
    readonly method: string,
    /** Absolute request URL. */
    readonly url: string,
    private readonly scope: HTTPScope,
    private readonly receive: HTTPReceive,
    private readonly withBody: boolean,
  ) {
    this.#bodyEnded = !withBody;
  }

  /** A new `Headers` with the scope's request headers. */
  headers(): Headers {
    return fetchHeadersFromTuples(this.scope.headers);
  }

  /**
   * The request signal, created on first call. It aborts (reason `ClientDisconnected`) when the
   * client disconnects before the response is done: watched from now on when the request has
   * no body or its body was read to the end, else from the moment the body ends.
   */
  signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#disconnected) this.#abort();
      else if (this.#bodyEnded) this.#watchDisconnect();
    }
    return this.#controller.signal;
  }

  /** The request body as a stream pulled from `receive()`, or `null` when the request has none. */
  body(): ReadableStream<Uint8Array> | null {
    if (!this.withBody) return null;
    return requestBodyStream(
      this.receive,
      () => {
        this.#bodyEnded = true;
        if (this.#controller !== null) this.#watchDisconnect();
      },
      () => {
        this.#disconnected = true;
        this.#abort();
      },
    );
  }

  #abort(): void {
    this.#controller?.abort(new ClientDisconnected("the client disconnected"));
  }

  /** Waits for `http.disconnect` and aborts the signal if the response was not done by then. */
  #watchDisconnect(): void {
    const receive = this.receive;
    void (async () => {
      for (;;) {
        const event = await receive();
        if (event.type === "http.disconnect") {
          if (!this.done) this.#abort();
          return;
        }
      }
    })().catch(() => undefined);
  }
}
