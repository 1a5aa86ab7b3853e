/**
 * The parts of a request known without touching the body. `LazyRequest` answers these
 * directly and builds the real `Request` only when something else is asked for.
 */
export interface RequestHead {
  readonly method: string;
  readonly url: string;
  /** A new `Headers` object with the request headers. */
  headers(): Headers;
  /** The request's abort signal (may be created on this call). */
  signal(): AbortSignal;
  /** The body stream, or `null`; called at most once. */
  body(): ReadableStream<Uint8Array> | null;
}

const kHead = Symbol("head");
const kReal = Symbol("real");
const kHeaders = Symbol("headers");

interface LazyState {
  [kHead]: RequestHead;
  [kReal]: Request | undefined;
  [kHeaders]: Headers | undefined;
}

/** The real `Request` for `head` with `headers`; its body (if any) is the stream `head.body()` makes. */
export function requestFromHead(head: RequestHead, headers: Headers): Request {
  const body = head.body();
  const init: RequestInit & { duplex?: "half" } = { method: head.method, headers, signal: head.signal() };
  if (body !== null) {
    init.body = body;
    init.duplex = "half";
  }
  return new Request(head.url, init);
}

function real(self: LazyState): Request {
  self[kReal] ??= requestFromHead(self[kHead], lazyHeaders(self));
  return self[kReal];
}

function lazyHeaders(self: LazyState): Headers {
  self[kHeaders] ??= self[kHead].headers();
  return self[kHeaders];
}

/**
 * Creates an object that is a `Request` (its prototype is `Request.prototype`) whose method,
 * url, headers and signal are read straight from the scope; the real `Request`, with its
 * body stream, is built on first use of anything else. Handlers that only route on
 * method/URL/headers never pay for a full `Request`, and the signal exists only once read.
 */
export function createLazyRequest(head: RequestHead): Request {
  const self = Object.create(lazyRequestPrototype) as LazyState;
  self[kHead] = head;
  self[kReal] = undefined;
  self[kHeaders] = undefined;
  return self as unknown as Request;
}

const lazyRequestPrototype = Object.create(Request.prototype, {
  method: {
    get(this: LazyState) {
      return this[kHead].method;
    },
  },
  url: {
    get(this: LazyState) {
      return this[kHead].url;
    },
  },
  headers: {
    get(this: LazyState) {
      return this[kReal]?.headers ?? lazyHeaders(this);
    },
  },
  signal: {
    get(this: LazyState) {
      return this[kHead].signal();
    },
  },
}) as object;

for (const key of Reflect.ownKeys(Request.prototype)) {
  if (key === "constructor" || key === "method" || key === "url" || key === "headers" || key === "signal") continue;
  const descriptor = Reflect.getOwnPropertyDescriptor(Request.prototype, key);
  if (descriptor === undefined) continue;
  if (typeof descriptor.value === "function") {
    const method = descriptor.value as (...args: unknown[]) => unknown;
    Object.defineProperty(lazyRequestPrototype, key, {
      value(this: LazyState, ...args: unknown[]) {
        return method.apply(real(this), args);
      },
    });
  } else if (descriptor.get !== undefined) {
    const getter = descriptor.get;
    Object.defineProperty(lazyRequestPrototype, key, {
      get(this: LazyState) {
        return getter.call(real(this)) as unknown;
      },
    });
  }
}
