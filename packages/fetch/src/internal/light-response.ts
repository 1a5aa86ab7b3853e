import { inspect } from "node:util";
import { responseHeaderTuples } from "./header-conversion.js";

/** The `Response` class the platform (undici) provides, captured before anything replaces it. */
const RealResponse: typeof Response = globalThis.Response;
const realPrototype = RealResponse.prototype as unknown as Record<PropertyKey, unknown>;

type ResponseBody = ConstructorParameters<typeof Response>[0];
type ResponseInitDict = { -readonly [K in keyof NonNullable<ConstructorParameters<typeof Response>[1]>]: NonNullable<ConstructorParameters<typeof Response>[1]>[K] };
type HeaderTuple = [string, string];

const TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8";
/** Shared, never mutated: the headers of a string body given without headers. */
const TEXT_ONLY_HEADERS: readonly HeaderTuple[] = Object.freeze([Object.freeze(["content-type", TEXT_CONTENT_TYPE]) as HeaderTuple]);
const NO_HEADERS: readonly HeaderTuple[] = Object.freeze([]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Printable latin-1 with no leading or trailing whitespace: a value the platform would store unchanged. */
const PLAIN_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
const STATUS_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Whether `value` is a `LightResponse` (not a platform response). */
let isLightResponse: (value: unknown) => boolean;

/**
 * The parts needed to write `response` without a body stream: `undefined` unless it is a
 * `LightResponse` whose body was never handed to a platform `Response`.
 */
let plainResponseParts: (response: unknown) => PlainResponseParts | undefined;

export { isLightResponse, plainResponseParts };

/** Passed as the body to adopt an already built platform `Response` (see `clone()`). */
const kAdopt = Symbol("adopt");

/** What `fromFetch` needs of a response that still holds its body as a string or bytes. */
export interface PlainResponseParts {
  status: number;
  headers: readonly HeaderTuple[];
  body: string | Uint8Array | null;
}

/**
 * Validates a plain-object `HeadersInit` cheaply and returns it as lowercased tuples, or
 * `undefined` when anything about it is unusual (the platform class then handles it, with its
 * own errors and normalisation).
 */
function plainHeaderTuples(record: object, bodyIsText: boolean): HeaderTuple[] | undefined {
  const proto = Object.getPrototypeOf(record) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const tuples: HeaderTuple[] = [];
  let hasContentType = false;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return undefined;
    const value = (record as Record<string, unknown>)[key];
    if (typeof value !== "string" || !TOKEN.test(key) || !PLAIN_VALUE.test(value)) return undefined;
    const name = key.toLowerCase();
    for (const tuple of tuples) if (tuple[0] === name) return undefined;
    if (name === "content-type") hasContentType = true;
    tuples.push([name, value]);
  }
  if (bodyIsText && !hasContentType) tuples.push(["content-type", TEXT_CONTENT_TYPE]);
  return tuples;
}

function isNullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}

/**
 * A `Response` that, for the common case (a string, `Uint8Array`, `ArrayBuffer` or no body,
 * a plain status and plain headers), only records what it was given. `fromFetch`
 * writes such a response without ever building the platform's `Response` and its body stream.
 * Anything else a caller asks for (the body stream, `text()`, `json()`, `clone()`, …) is
 * answered by a platform `Response` built on first use; constructor arguments the fast path
 * does not cover are handed to the platform class at once, so errors and edge cases are the
 * platform's own.
 *
 * `instanceof` checks against this class accept platform `Response` objects too, and its
 * instances are `instanceof` the platform class as well.
 */
export class LightResponse {
  /** The complete platform response, once built (or from the start, for unusual arguments). */
  #full: Response | null = null;
  /** `true` when `#full` was built from the constructor arguments: it answers everything. */
  #fullFromStart = false;
  #body: string | Uint8Array | null = null;
  #status = 200;
  #statusText = "";
  /** Headers as given (lowercased), until `#headers` is built. */
  #tuples: readonly HeaderTuple[] = NO_HEADERS;
  #headers: Headers | null = null;

  constructor(body?: ResponseBody | typeof kAdopt, init?: ResponseInitDict | Response | null) {
    if (body === kAdopt) {
      this.#full = init as Response;
      this.#fullFromStart = true;
      return;
    }
    // Each init member is read once, in the platform's order; a non-object goes to the platform as is (it throws).
    const picked = typeof init === "object" && init !== null ? pickInit(init) : init;
    if (!this.#takeLight(body, picked)) {
      this.#full = new RealResponse(body, picked ?? undefined);
      this.#fullFromStart = true;
    }
  }

  /** Tries the recording fast path; `false` when the platform class must handle the arguments. */
  #takeLight(body: ResponseBody, init: ResponseInitDict | Response | null | undefined): boolean {
    let bytes: string | Uint8Array | null;
    if (body === undefined || body === null) bytes = null;
    else if (typeof body === "string") bytes = body;
    // A copy, as the platform makes (`Buffer#slice` would share memory, so not `slice()`).
    else if (body instanceof Uint8Array) bytes = new Uint8Array(body);
    else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body.slice(0));
    else return false;
    const isText = typeof bytes === "string";
    if (init === undefined || init === null) {
      this.#body = bytes;
      this.#tuples = isText ? TEXT_ONLY_HEADERS : NO_HEADERS;
      return true;
    }
    if (typeof init !== "object") return false;
    const { status, statusText, headers } = init as { status?: unknown; statusText?: unknown; headers?: unknown };
    if (status !== undefined) {
      if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) return false;
      if (bytes !== null && isNullBodyStatus(status)) return false;
      this.#status = status;
    }
    if (statusText !== undefined) {
      if (typeof statusText !== "string" || !STATUS_TEXT.test(statusText)) return false;
      this.#statusText = statusText;
    }
    if (headers === undefined) {
      this.#tuples = isText ? TEXT_ONLY_HEADERS : NO_HEADERS;
    } else if (headers instanceof Headers) {
      const copy = new Headers(headers);
      if (isText && !copy.has("content-type")) copy.set("content-type", TEXT_CONTENT_TYPE);
      this.#headers = copy;
    } else {
      if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return false;
      const tuples = plainHeaderTuples(headers, isText);
      if (tuples === undefined) return false;
      this.#tuples = tuples;
    }
    this.#body = bytes;
    return true;
  }

  /** Wraps an already built platform response (used by `clone()`). */
  static #adopt(full: Response): LightResponse {
    return new LightResponse(kAdopt, full);
  }

  /**
   * `true` for platform `Response` objects and for instances of this class; subclasses keep
   * the ordinary prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== LightResponse) return Function.prototype[Symbol.hasInstance].call(this, value);
    return Function.prototype[Symbol.hasInstance].call(RealResponse, value);
  }

  // Module-private access to instances (kept off the class, which becomes the global `Response`).
  static {
    isLightResponse = (value) => typeof value === "object" && value !== null && #full in value;
    plainResponseParts = (response) => {
      if (typeof response !== "object" || response === null || !(#full in response) || response.#full !== null) return undefined;
      const tuples = response.#tuples;
      // Fresh arrays (whoever receives the start message may keep or change them), without
      // Transfer-Encoding (see `responseHeaderTuples`).
      const headers =
        response.#headers !== null
          ? responseHeaderTuples(response.#headers)
          : tuples === TEXT_ONLY_HEADERS
            ? [["content-type", TEXT_CONTENT_TYPE] as HeaderTuple]
            : tuples.filter((tuple) => tuple[0] !== "transfer-encoding");
      return { status: response.#status, headers, body: response.#body };
    };
  }

  /** The platform response holding the body, built on first use. */
  #fullResponse(): Response {
    if (this.#full === null) {
      const init: ResponseInitDict = { headers: this.headers, status: this.#status };
      if (this.#statusText !== "") init.statusText = this.#statusText;
      this.#full = new RealResponse(this.#body, init);
    }
    return this.#full;
  }

  get type(): Response["type"] {
    return this.#fullFromStart ? (this.#full as Response).type : "default";
  }

  get url(): string {
    return this.#fullFromStart ? (this.#full as Response).url : "";
  }

  get redirected(): boolean {
    return this.#fullFromStart ? (this.#full as Response).redirected : false;
  }

  get status(): number {
    return this.#fullFromStart ? (this.#full as Response).status : this.#status;
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }

  get statusText(): string {
    return this.#fullFromStart ? (this.#full as Response).statusText : this.#statusText;
  }

  get headers(): Headers {
    if (this.#fullFromStart) return (this.#full as Response).headers;
    if (this.#headers === null) {
      const headers = new Headers();
      for (const [name, value] of this.#tuples) headers.append(name, value);
      this.#headers = headers;
    }
    return this.#headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#full === null && this.#body === null) return null;
    return this.#fullResponse().body as ReadableStream<Uint8Array> | null;
  }

  get bodyUsed(): boolean {
    return this.#full === null ? false : this.#full.bodyUsed;
  }

  clone(): LightResponse | Response {
    if (this.#full === null) {
      const copy = new LightResponse();
      copy.#body = this.#body;
      copy.#status = this.#status;
      copy.#statusText = this.#statusText;
      copy.#tuples = this.#tuples;
      if (this.#headers !== null) copy.#headers = new Headers(this.#headers);
      return copy;
    }
    const full = this.#full.clone();
    if (this.#fullFromStart) return LightResponse.#adopt(full);
    // Status and headers live here (the headers object may have changed since `full` was built).
    return new RealResponse(full.body, { status: this.#status, statusText: this.#statusText, headers: this.headers });
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#fullResponse().arrayBuffer();
  }

  blob(): Promise<Blob> {
    return this.#fullResponse().blob();
  }

  bytes(): Promise<Uint8Array> {
    return (this.#fullResponse() as Response & { bytes(): Promise<Uint8Array> }).bytes();
  }

  formData(): Promise<FormData> {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- part of the Response interface; the platform implements it
    return this.#fullResponse().formData();
  }

  json(): Promise<unknown> {
    return this.#fullResponse().json();
  }

  text(): Promise<string> {
    return this.#fullResponse().text();
  }

  /** `util.inspect` shows the same fields as for a platform response. */
  [inspect.custom](depth: number, options: object): string {
    const fields = { status: this.status, statusText: this.statusText, headers: this.headers, body: this.body, bodyUsed: this.bodyUsed, ok: this.ok, redirected: this.redirected, type: this.type, url: this.url };
    return `Response ${inspect(fields, { ...options, depth })}`;
  }
}

/** The members of a `ResponseInit` (read once each, in the platform's order). */
function pickInit(init: ResponseInitDict | Response): ResponseInitDict {
  const picked: ResponseInitDict = {};
  const { headers, status, statusText } = init;
  if (headers !== undefined) picked.headers = headers;
  if (status !== undefined) picked.status = status;
  if (statusText !== undefined) picked.statusText = statusText;
  return picked;
}

// Instances are platform responses as far as `instanceof` and static members go.
Object.setPrototypeOf(LightResponse, RealResponse);
Object.setPrototypeOf(LightResponse.prototype, RealResponse.prototype);
Object.defineProperty(LightResponse, "name", { value: "Response" });
Object.defineProperty(LightResponse.prototype, Symbol.toStringTag, { value: "Response", configurable: true });

// Called on a platform response (e.g. `Response.prototype.text.call(fetched)`), each member
// behaves as the platform's own.
for (const key of Reflect.ownKeys(LightResponse.prototype)) {
  if (key === "constructor" || key === Symbol.toStringTag) continue;
  const descriptor = Reflect.getOwnPropertyDescriptor(LightResponse.prototype, key) as PropertyDescriptor;
  const real = Reflect.getOwnPropertyDescriptor(realPrototype, key);
  if (real === undefined) continue;
  if (typeof descriptor.value === "function" && typeof real.value === "function") {
    const light = descriptor.value as (...args: unknown[]) => unknown;
    const platform = real.value as (...args: unknown[]) => unknown;
    Object.defineProperty(LightResponse.prototype, key, {
      ...descriptor,
      value: function (this: unknown, ...args: unknown[]) {
        return (isLightResponse(this) ? light : platform).apply(this, args);
      },
    });
  } else if (descriptor.get !== undefined && real.get !== undefined) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with an explicit receiver below
    const light = descriptor.get;
    const platform = real.get;
    Object.defineProperty(LightResponse.prototype, key, {
      ...descriptor,
      get: function (this: unknown) {
        return (isLightResponse(this) ? light : platform).call(this) as unknown;
      },
    });
  }
}

let installed = false;

/**
 * Makes `globalThis.Response` the light class, once per process. Responses made with
 * `new Response(...)` anywhere in the process are then `LightResponse` objects; a global some
 * other library already replaced is left alone.
 */
export function installLightResponse(): void {
  if (installed) return;
  installed = true;
  if (globalThis.Response !== RealResponse) return;
  Object.defineProperty(globalThis, "Response", { value: LightResponse, writable: true, configurable: true, enumerable: false });
}

/** The platform `Response` class (the one `installLightResponse` replaced). */
export const PlatformResponse: typeof Response = RealResponse;
