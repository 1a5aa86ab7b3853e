import type { Scope } from "../app.js";
import { isByteString } from "../latin1.js";
import { describeValue, fail, isRecord } from "./fail.js";
import { checkHeaderList } from "./value-checks.js";

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === "string";
const isByteStr: Check = (value) => typeof value === "string" && isByteString(value);
const isNullableByteStr: Check = (value) => value === null || isByteStr(value);
const isAddress: Check = (value) =>
  value === null ||
  (Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "string" &&
    (value[1] === null || (typeof value[1] === "number" && Number.isInteger(value[1]) && value[1] >= 0 && value[1] <= 65535)));
const isStringArray: Check = (value) => Array.isArray(value) && value.every((item) => typeof item === "string");
const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    typeof value === "string" && allowed.includes(value);
const isMethod: Check = (value) => typeof value === "string" && /^[!#$%&'*+\-.^_`|~0-9A-Z]+$/.test(value);

interface KeySpec {
  check: Check;
  expected: string;
}

const CONNECTION_KEYS: Record<string, KeySpec> = {
  path: { check: isString, expected: "a string" },
  raw_path: { check: isNullableByteStr, expected: "a byte string or null" },
  query_string: { check: isByteStr, expected: "a byte string" },
  root_path: { check: isString, expected: "a string" },
  client: { check: isAddress, expected: "[host, port] or null" },
  server: { check: isAddress, expected: "[host, port] or null" },
};

const HTTP_KEYS: Record<string, KeySpec> = {
  ...CONNECTION_KEYS,
  http_version: { check: oneOf("1.0", "1.1", "2"), expected: '"1.0", "1.1" or "2"' },
  method: { check: isMethod, expected: "an upper-case method token" },
  scheme: { check: oneOf("http", "https"), expected: '"http" or "https"' },
};

const WEBSOCKET_KEYS: Record<string, KeySpec> = {
  ...CONNECTION_KEYS,
  http_version: { check: oneOf("1.1", "2"), expected: '"1.1" or "2"' },
  scheme: { check: oneOf("ws", "wss"), expected: '"ws" or "wss"' },
  subprotocols: { check: isStringArray, expected: "an array of strings" },
};

/**
 * Checks a scope handed to the app by the server (every required key with its type, the
 * `asgi` versions, lowercase request header names, `path` inside `root_path`). Throws a
 * `ProtocolError` naming the first problem.
 */
export function checkScope(scope: unknown): asserts scope is Scope {
  if (!isRecord(scope) || !["http", "websocket", "lifespan"].includes(scope["type"] as string)) {
    const type = isRecord(scope) ? describeValue(scope["type"]) : describeValue(scope);
    fail("scope-type", `server passed a scope of type ${type}; scope.type must be "http", "websocket" or "lifespan"`, scope);
  }
  checkAsgi(scope["asgi"], scope);
  checkOptionalObjects(scope);
  if (scope["type"] === "lifespan") return;
  const type = scope["type"] as string;
  const keys = type === "http" ? HTTP_KEYS : WEBSOCKET_KEYS;
  for (const [key, spec] of Object.entries(keys)) {
    if (!(key in scope)) fail("scope-key", `${type} scope is missing "${key}" (${spec.expected})`, scope);
    if (!spec.check(scope[key])) {
      fail("scope-key", `${type} scope key "${key}" must be ${spec.expected}, got ${describeValue(scope[key])}`, scope);
    }
  }
  checkHeaderList(scope["headers"], `${type} scope.headers`, "lowercase", scope);
  const path = scope["path"] as string;
  const rootPath = scope["root_path"] as string;
  if (!path.startsWith(rootPath)) {
    fail("scope-root-path", `scope.path ${describeValue(path)} does not start with scope.root_path ${describeValue(rootPath)}; path must include root_path`, scope);
  }
}

function checkAsgi(asgi: unknown, scope: unknown): void {
  if (!isRecord(asgi) || asgi["version"] !== "3.0") {
    const version = isRecord(asgi) ? describeValue(asgi["version"]) : "missing";
    fail("scope-asgi", `scope.asgi.version is ${version}; it must be "3.0"`, scope);
  }
  if (asgi["spec_version"] !== undefined && typeof asgi["spec_version"] !== "string") {
    fail("scope-asgi", `scope.asgi.spec_version must be a string when present, got ${describeValue(asgi["spec_version"])}`, scope);
  }
}

function checkOptionalObjects(scope: Record<string, unknown>): void {
  const state = scope["state"];
  if (state !== undefined && !isRecord(state)) {
    fail("scope-key", `scope key "state" must be an object when present, got ${describeValue(state)}`, scope);
  }
  const extensions = scope["extensions"];
  if (extensions === undefined) return;
  if (!isRecord(extensions)) {
    fail("scope-key", `scope key "extensions" must be an object when present, got ${describeValue(extensions)}`, scope);
  }
  for (const [name, value] of Object.entries(extensions)) {
    if (!isRecord(value)) {
      fail("scope-key", `scope.extensions["${name}"] must be an object, got ${describeValue(value)}`, scope);
    }
  }
}
