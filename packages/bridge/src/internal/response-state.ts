import { isByteString, ProtocolError, type ExcInfo, type Headers, type WriteFn } from "@sluice/core";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding", "upgrade"]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const STATUS_LINE = /^([1-5]\d\d) [^\r\n]*$/;

/** The response head as the async interface wants it: numeric status, lowercased header names. */
export interface ResponseHead {
  status: number;
  headers: Headers;
}

/**
 * The `startResponse` state machine of one sync-interface request (PEP 3333): validates the
 * status line and headers, allows a second call only with `excInfo` (re-throwing it once the
 * head is sent), and hands the head out exactly once when the first body bytes leave.
 */
export class ResponseState {
  #head: ResponseHead | undefined;
  #headSent = false;
  readonly #write: WriteFn;

  /** @param write the `write()` callable `startResponse` returns */
  constructor(write: WriteFn) {
    this.#write = write;
  }

  /** Whether the head has been handed out (the response has started). */
  get headSent(): boolean {
    return this.#headSent;
  }

  /** Whether `startResponse` has been called. */
  get started(): boolean {
    return this.#head !== undefined;
  }

  readonly startResponse = (status: string, headers: Array<[name: string, value: string]>, excInfo?: ExcInfo): WriteFn => {
    if (excInfo !== undefined && excInfo !== null) {
      // PEP 3333: once the head is out, startResponse re-raises the error the app passed in.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (this.#headSent) throw excInfo;
    } else if (this.#head !== undefined) {
      throw new ProtocolError(
        "start-response-twice",
        "startResponse was called a second time without excInfo; only an error handler passing excInfo may replace the status and headers",
      );
    }
    this.#head = { status: parseStatus(status), headers: convertHeaders(headers) };
    return this.#write;
  };

  /** Hands out the head for the first body bytes; throws when `startResponse` was never called. */
  takeHead(): ResponseHead {
    if (this.#head === undefined) {
      throw new ProtocolError("start-response-missing", "the app produced body bytes (or returned) before calling startResponse");
    }
    this.#headSent = true;
    return this.#head;
  }
}

/** Throws a `ProtocolError` unless `chunk` is bytes (a `Uint8Array`). */
export function checkBodyChunk(chunk: unknown, where: string, rule: "response-chunk-type" | "write-type"): asserts chunk is Uint8Array {
  if (!(chunk instanceof Uint8Array)) {
    const kind = typeof chunk === "string" ? "a string" : chunk === null ? "null" : typeof chunk;
    throw new ProtocolError(rule, `${where} must be a Uint8Array (bytes), got ${kind}; encode text with TextEncoder`, chunk);
  }
}

function parseStatus(status: unknown): number {
  if (typeof status !== "string" || !STATUS_LINE.test(status)) {
    throw new ProtocolError("status-line", `status ${JSON.stringify(status)} must be a string like "200 OK": three digits, a space, a reason phrase`, status);
  }
  if (BAD_VALUE.test(status)) throw new ProtocolError("status-control-chars", `status ${JSON.stringify(status)} must not hold control characters`, status);
  return Number(status.slice(0, 3));
}

function convertHeaders(headers: unknown): Headers {
  if (!Array.isArray(headers)) {
    throw new ProtocolError("headers-type", "response headers must be an array of [name, value] pairs", headers);
  }
  const out: Headers = [];
  for (const pair of headers as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      throw new ProtocolError("headers-type", `response header ${JSON.stringify(pair)} must be a [name, value] pair of strings`, pair);
    }
    const [name, value] = pair as [string, string];
    if (!TOKEN.test(name)) throw new ProtocolError("header-name-token", `response header name ${JSON.stringify(name)} is not an HTTP token`, pair);
    if (!isByteString(value)) {
      throw new ProtocolError("headers-byte-string", `response header ${name} must be a latin-1 byte string (use utf8ToLatin1 for UTF-8 text)`, pair);
    }
    if (BAD_VALUE.test(value)) throw new ProtocolError("header-value-chars", `response header ${name} must not hold control characters other than tab`, pair);
    const lower = name.toLowerCase();
    if (lower === "status") throw new ProtocolError("header-name-status", "the status goes in startResponse's first argument, not in a Status header", pair);
    if (HOP_BY_HOP.has(lower)) {
      throw new ProtocolError("header-hop-by-hop", `the app must not set the hop-by-hop header "${name}"; the server manages the connection`, pair);
    }
    out.push([lower, value]);
  }
  return out;
}
