import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Address, Headers, ScopeExtensions, WebSocketScope } from "@sluice/core";
import { ASGI_SPEC_VERSION, ASGI_VERSION, parseRequestTarget, splitHeaderList } from "@sluice/core";
import type { WebSocketScopeOverrides } from "../options.js";

/** The fields where node:net caches a socket's addresses once they have been asked for. */
type AddressCaches = Socket & { _peername?: unknown; _sockname?: unknown };

/** The peer address {@link readPeer} found. */
let peerHost = "";
let peerPort: number | null = null;

/**
 * Reads the peer's address into {@link peerHost} and {@link peerPort}; `false` when the socket
 * has none. Asking a socket for it makes node:net keep an `{ address, family, port }` object on
 * the socket for its whole life; a WebSocket lives long and the scope already holds the answer,
 * so the cache is emptied again when it was empty before (the next question fills it anew, so
 * nothing changes for anyone else who asks).
 */
function readPeer(socket: AddressCaches): boolean {
  const cached = socket._peername;
  const host = socket.remoteAddress;
  const port = socket.remotePort;
  if (cached === undefined || cached === null) socket._peername = cached;
  if (host === undefined) return false;
  peerHost = host;
  peerPort = port ?? null;
  return true;
}

/** The local address, read like {@link readPeer} (without leaving node:net's cache behind), shared. */
function localAddress(socket: AddressCaches): Address | null {
  const cached = socket._sockname;
  const host = socket.localAddress;
  const port = socket.localPort;
  if (cached === undefined || cached === null) socket._sockname = cached;
  return host === undefined ? null : sharedLocalAddress(host, port ?? null);
}

/** Shared by every scope (frozen): the interface version and the extension marker. */
const ASGI = Object.freeze({ version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION });
const SUPPORTED = Object.freeze({}) as Record<string, never>;

/**
 * Lowercased header names seen before. A scope lives as long as its connection, so sharing
 * one string per common name (instead of one lowercased copy per connection) is a measurable
 * part of memory per idle connection. Bounded, so unusual names cannot grow it without end.
 */
const lowercaseNames = new Map<string, string>();
const LOWERCASE_NAMES_LIMIT = 512;
/** Longer strings are never kept in the shared tables, so those stay small whatever clients send. */
const SHARED_LENGTH_LIMIT = 256;

function lowercaseName(name: string): string {
  let lower = lowercaseNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowercaseNames.size < LOWERCASE_NAMES_LIMIT && name.length <= SHARED_LENGTH_LIMIT) lowercaseNames.set(name, lower);
  }
  return lower;
}

/**
 * Strings that are the same on most handshakes: the values of headers such as `Upgrade`,
 * `Sec-WebSocket-Version`, `Host`, `Origin` or `User-Agent`, the path, the addresses. Sharing
 * one copy, like the names, saves a string per connection for each. Only values of the headers
 * listed below are looked up (a per-connection value such as `Sec-WebSocket-Key` would just
 * fill the table), and the table is bounded like the names.
 */
const sharedStrings = new Map<string, string>();
const SHARED_STRINGS_LIMIT = 1024;

function sharedString(value: string): string {
  const shared = sharedStrings.get(value);
  if (shared !== undefined) return shared;
  if (sharedStrings.size >= SHARED_STRINGS_LIMIT || value.length > SHARED_LENGTH_LIMIT) return value;
  // A substring (the path is one) may be stored as a view of the whole string it was cut
  // from; the table keeps a copy of its own, so it never holds on to a request's URL.
  const copy = JSON.parse(JSON.stringify(value)) as string;
  sharedStrings.set(copy, copy);
  return copy;
}

const REPEATED_VALUE_HEADERS = new Set([
  "host",
  "upgrade",
  "connection",
  "origin",
  "user-agent",
  "pragma",
  "cache-control",
  "accept-encoding",
  "accept-language",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
]);

function headerValue(name: string, value: string): string {
  return REPEATED_VALUE_HEADERS.has(name) ? sharedString(value) : value;
}

/**
 * Header lines that most handshakes carry word for word (ws, browsers, Python clients). Each is
 * an array literal of constants, which V8 stores with copy-on-write elements; a `slice()` of
 * one is a new, independent array that shares those elements until someone writes to it, so it
 * costs half of a fresh `[name, value]` pair. Nothing observable changes: every scope still
 * gets its own arrays, and writing to one copies it first.
 */
const COMMON_LINES: ReadonlyArray<readonly [string, string]> = [
  ["upgrade", "websocket"],
  ["upgrade", "WebSocket"],
  ["connection", "Upgrade"],
  ["connection", "upgrade"],
  ["connection", "keep-alive, Upgrade"],
  ["sec-websocket-version", "13"],
  ["sec-websocket-extensions", "permessage-deflate; client_max_window_bits"],
  ["sec-websocket-extensions", "permessage-deflate"],
  ["pragma", "no-cache"],
  ["cache-control", "no-cache"],
  ["accept", "*/*"],
  ["accept-encoding", "gzip, deflate, br, zstd"],
  ["accept-encoding", "gzip, deflate, br"],
  ["accept-encoding", "gzip, deflate"],
  ["sec-fetch-dest", "websocket"],
  ["sec-fetch-dest", "empty"],
  ["sec-fetch-mode", "websocket"],
  ["sec-fetch-site", "same-origin"],
  ["sec-fetch-site", "same-site"],
  ["sec-fetch-site", "cross-site"],
];
/** Index of each common line in {@link COMMON_LINES}, by name and value. */
const commonLineIndex = new Map<string, Map<string, number>>();
COMMON_LINES.forEach((line, index) => {
  let byValue = commonLineIndex.get(line[0]);
  if (byValue === undefined) commonLineIndex.set(line[0], (byValue = new Map<string, number>()));
  byValue.set(line[1], index);
});

/**
 * What a scope keeps in compact form until it is first read: the handshake headers and, when it
 * comes from the socket, the peer address. A common header line (see {@link COMMON_LINES}) is
 * its index, any other line is its lowercased name followed by its value, both shared strings
 * where possible; the peer address is a negative number encoding the port followed by the host.
 * Most apps never read the headers or the address of a connection they have accepted, or read
 * them once at the start; the arrays are built on that first read.
 */
type Source = ReadonlyArray<number | string>;

/** Marks the peer address in a {@link Source}: `-2 - port`, or `-1` for no port. */
function portMark(port: number | null): number {
  return port === null ? -1 : -2 - port;
}

/** Reused while a source is assembled, so only the exact-length copy is allocated per scope. */
const scratch: Array<number | string | undefined> = [];

function compactSource(rawHeaders: readonly string[], clientHost: string | undefined, clientPort: number | null): Source {
  let n = 0;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = lowercaseName(rawHeaders[i] as string);
    const value = rawHeaders[i + 1] as string;
    const common = commonLineIndex.get(name)?.get(value);
    if (common !== undefined) scratch[n++] = common;
    else {
      scratch[n++] = name;
      scratch[n++] = headerValue(name, value);
    }
  }
  if (clientHost !== undefined) {
    scratch[n++] = portMark(clientPort);
    scratch[n++] = sharedString(clientHost);
  }
  // A copy of exactly the needed length (an array grown by `push` keeps spare capacity for as
  // long as the connection lives); the scratch keeps its capacity but no strings.
  const source = scratch.slice(0, n) as Array<number | string>;
  scratch.fill(undefined, 0, n);
  return source;
}

/**
 * The header list of a {@link Source}: names lowercased, order and duplicates kept, every line
 * a new array (a common line a copy of a shared constant, which V8 stores with copy-on-write
 * elements), in an array of exactly the needed length.
 */
function sourceHeaders(source: Source): Headers {
  let count = 0;
  for (let i = 0; i < source.length; ) {
    const item = source[i] as number | string;
    if (typeof item !== "number" || item >= 0) count++;
    i += typeof item === "number" && item >= 0 ? 1 : 2;
  }
  const headers: Headers = new Array<[string, string]>(count);
  let j = 0;
  for (let i = 0; i < source.length; ) {
    const item = source[i] as number | string;
    if (typeof item === "string") {
      headers[j++] = [item, source[i + 1] as string];
      i += 2;
    } else if (item >= 0) {
      headers[j++] = (COMMON_LINES[item] as readonly [string, string]).slice() as [string, string];
      i += 1;
    } else {
      i += 2;
    }
  }
  return headers;
}

/** The peer address of a {@link Source}, as a new `[host, port]`. */
function sourceClient(source: Source): Address | null {
  for (let i = 0; i < source.length; i += typeof source[i] === "string" ? 2 : 1) {
    const item = source[i] as number | string;
    if (typeof item === "number" && item < 0) return [source[i + 1] as string, item === -1 ? null : -2 - item];
  }
  return null;
}

/** Where a scope keeps its {@link Source} until it is read (a non-enumerable key). */
const kSource = Symbol("sluice.websocket.scopeSource");

type LazyScope = WebSocketScope & { [kSource]?: Source | undefined };

/** Values built for scopes that no longer let a lazy key be replaced (frozen or sealed first). */
const valuesOfFixedScopes = new WeakMap<object, Map<string, unknown>>();

/**
 * Replaces the lazy accessor `key` of `scope` with a plain data property holding `value`, so
 * the scope is an ordinary object from then on (and the value keeps its identity on every later
 * read). A scope that was frozen or sealed before the first read keeps the accessor; the value
 * is then remembered beside it.
 */
function settle(scope: object, key: string, value: unknown): void {
  if (Reflect.defineProperty(scope, key, { value, writable: true, enumerable: true, configurable: true })) return;
  let values = valuesOfFixedScopes.get(scope);
  if (values === undefined) valuesOfFixedScopes.set(scope, (values = new Map<string, unknown>()));
  if (!values.has(key)) values.set(key, value);
}

/** The value of a key after {@link settle}. */
function settled(scope: object, key: string): unknown {
  const descriptor = Reflect.getOwnPropertyDescriptor(scope, key);
  if (descriptor !== undefined && "value" in descriptor) return descriptor.value;
  return valuesOfFixedScopes.get(scope)?.get(key);
}

/** Whether `key` of `scope` is still the lazy accessor whose getter is `get`. */
function isLazy(scope: object, key: string, get: () => unknown): boolean {
  return Reflect.getOwnPropertyDescriptor(scope, key)?.get === get && !valuesOfFixedScopes.get(scope)?.has(key);
}

/** The object among `object` and its prototypes that holds `key` itself. */
function ownerOf(object: object, key: string): object {
  for (let owner: object | null = object; owner !== null; owner = Reflect.getPrototypeOf(owner)) {
    if (Object.hasOwn(owner, key)) return owner;
  }
  return object;
}

/**
 * Builds what the scope kept compact: the first read of `headers` or of a lazy `client` builds
 * both (an app that looks at one usually looks at the other), and the compact form goes.
 */
function expand(scope: LazyScope): void {
  const source = scope[kSource] ?? [];
  if (isLazy(scope, "headers", getHeaders)) settle(scope, "headers", sourceHeaders(source));
  if (isLazy(scope, "client", getClient)) settle(scope, "client", sourceClient(source));
  if (Reflect.getOwnPropertyDescriptor(scope, kSource)?.writable === true) scope[kSource] = undefined;
}

/** The lazy `headers` getter (one function shared by every scope). */
function getHeaders(this: LazyScope): Headers {
  const scope = ownerOf(this, "headers") as LazyScope;
  expand(scope);
  return (settled(scope, "headers") ?? []) as Headers;
}

/** The lazy `client` getter (one function shared by every scope). */
function getClient(this: LazyScope): Address | null {
  const scope = ownerOf(this, "client") as LazyScope;
  expand(scope);
  return (settled(scope, "client") ?? null) as Address | null;
}

/** The default extensions, built when first read: every scope gets its own object. */
function getExtensions(this: WebSocketScope): ScopeExtensions {
  const scope = ownerOf(this, "extensions");
  if (isLazy(scope, "extensions", getExtensions)) settle(scope, "extensions", { "websocket.http.response": SUPPORTED });
  return settled(scope, "extensions") as ScopeExtensions;
}

/** Assigning a lazy key turns it into a plain data property, as if it had been one all along. */
function setter(key: string): (this: LazyScope, value: unknown) => void {
  return function set(this: LazyScope, value: unknown): void {
    if (!Reflect.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true })) {
      throw new TypeError(`Cannot assign to read only property '${key}' of the websocket scope`);
    }
    // The compact source goes once nothing lazy needs it.
    if (Object.hasOwn(this, kSource) && !isLazy(this, "headers", getHeaders) && !isLazy(this, "client", getClient)) this[kSource] = undefined;
  };
}

const LAZY_HEADERS: PropertyDescriptor = { get: getHeaders, set: setter("headers"), enumerable: true, configurable: true };
const LAZY_CLIENT: PropertyDescriptor = { get: getClient, set: setter("client"), enumerable: true, configurable: true };
const LAZY_EXTENSIONS: PropertyDescriptor = { get: getExtensions, set: setter("extensions"), enumerable: true, configurable: true };

/**
 * The subprotocols of a handshake as a frozen array, shared by every scope whose client offered
 * the same list (browsers and client libraries offer the same one on every connection). A scope
 * never changes during its connection, so nobody needs a copy of their own.
 */
const subprotocolLists = new Map<string, readonly string[]>();
const SUBPROTOCOL_LISTS_LIMIT = 256;
const NO_SUBPROTOCOLS: readonly string[] = Object.freeze([]);

function subprotocolsOf(offers: string[] | undefined): readonly string[] {
  if (offers === undefined) return NO_SUBPROTOCOLS;
  const list = offers.flatMap(splitHeaderList);
  if (list.length === 0) return NO_SUBPROTOCOLS;
  const key = list.join(",");
  const shared = subprotocolLists.get(key);
  if (shared !== undefined) return shared;
  const frozen = Object.freeze(list.map(sharedString));
  if (subprotocolLists.size < SUBPROTOCOL_LISTS_LIMIT && key.length <= SHARED_LENGTH_LIMIT) subprotocolLists.set(key, frozen);
  return frozen;
}

/**
 * The local address as a frozen `[host, port]` shared by every scope with the same one (all
 * connections to one listening socket have it). Bounded like the string tables.
 */
let lastLocalAddress: Address | undefined;
const localAddresses = new Map<string, Address>();
const LOCAL_ADDRESSES_LIMIT = 64;

function sharedLocalAddress(host: string, port: number | null): Address {
  const last = lastLocalAddress;
  if (last !== undefined && last[1] === port && last[0] === host) return last;
  const key = `${String(port)} ${host}`;
  let address = localAddresses.get(key);
  if (address === undefined) {
    address = Object.freeze([sharedString(host), port]) as Address;
    if (localAddresses.size < LOCAL_ADDRESSES_LIMIT) localAddresses.set(key, address);
  }
  lastLocalAddress = address;
  return address;
}

type RequestTarget = ReturnType<typeof parseRequestTarget>;

/**
 * Fills a new scope object (see {@link buildScope}). A constructor, not an object literal, so
 * that V8 sizes the object for exactly these keys and gives every scope one hidden class, lazy
 * accessors included; its prototype is `Object.prototype`, so a scope is a plain object to
 * anyone who looks. `client` is `undefined` when the peer address is in `source`.
 */
function ScopeObject(
  this: LazyScope,
  req: IncomingMessage,
  overrides: WebSocketScopeOverrides | undefined,
  target: RequestTarget,
  source: Source,
  client: Address | null | undefined,
  subprotocols: readonly string[],
): void {
  const rootPath = overrides?.root_path ?? "";
  this.type = "websocket";
  this.asgi = ASGI;
  this.http_version = req.httpVersionMajor === 2 ? "2" : "1.1";
  this.scheme = overrides?.scheme ?? ((req.socket as Socket & { encrypted?: boolean }).encrypted === true ? "wss" : "ws");
  this.path = rootPath === "" ? sharedString(target.path) : rootPath + target.path;
  this.raw_path = target.raw_path === target.path ? sharedString(target.raw_path) : target.raw_path;
  this.query_string = target.query_string;
  this.root_path = rootPath;
  Object.defineProperty(this, "headers", LAZY_HEADERS);
  if (client === undefined) Object.defineProperty(this, "client", LAZY_CLIENT);
  else this.client = client;
  this.server = overrides?.server !== undefined ? overrides.server : localAddress(req.socket);
  this.subprotocols = subprotocols as string[];
  if (overrides?.extensions === undefined) Object.defineProperty(this, "extensions", LAZY_EXTENSIONS);
  else this.extensions = { "websocket.http.response": SUPPORTED, ...overrides.extensions };
  if (overrides?.state !== undefined) this.state = { ...overrides.state };
  Object.defineProperty(this, kSource, { value: source, writable: true, enumerable: false, configurable: true });
}
ScopeObject.prototype = Object.prototype;
const NewScope = ScopeObject as unknown as new (...args: Parameters<typeof ScopeObject>) => WebSocketScope;

/**
 * Builds the `websocket` scope of an upgrade request. Throws the `ProtocolError` of
 * `parseRequestTarget` (rule `"path-encoding"`) when the path does not decode.
 *
 * The scope is a plain object with every key of the spec. To keep an idle connection small,
 * `headers`, `client` (unless overridden) and `extensions` (unless overridden) are accessors
 * until first read: reading builds the value and turns the key into an ordinary data property,
 * and assigning does the same. `server` and `subprotocols` are frozen arrays shared between
 * scopes.
 */
export function buildScope(req: IncomingMessage, overrides: WebSocketScopeOverrides | undefined): WebSocketScope {
  const target = parseRequestTarget(req.url ?? "/");
  const rawHeaders = req.rawHeaders;
  let offers: string[] | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 22 && name.toLowerCase() === "sec-websocket-protocol") (offers ??= []).push(rawHeaders[i + 1] as string);
  }
  // Without an override the peer address goes into the compact source (and `client` is built
  // from it when first read).
  let client: Address | null | undefined = overrides?.client;
  let source: Source;
  if (client === undefined && readPeer(req.socket)) {
    source = compactSource(rawHeaders, peerHost, peerPort);
  } else {
    client ??= null;
    source = compactSource(rawHeaders, undefined, null);
  }
  return new NewScope(req, overrides, target, source, client, subprotocolsOf(offers));
}
