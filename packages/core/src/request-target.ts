import type { Headers } from "./common.js";
import { ProtocolError } from "./errors.js";

/**
 * The path parts of a scope, derived from an HTTP request target.
 *
 * @example
 * ```ts
 * const parts: RequestTargetParts = parseRequestTarget(req.url ?? "/");
 * const scope = { ...base, ...parts };
 * ```
 */
export interface RequestTargetParts {
  /** Percent-decoded path as UTF-8 text. */
  path: string;
  /** The path as received, before decoding, as a byte string. */
  raw_path: string;
  /** The query after `?`, undecoded, as a byte string (`""` when absent). */
  query_string: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Splits a request target (`/a%20b?x=1`, or absolute form `http://host/a?x`) into the scope's
 * `path`, `raw_path` and `query_string`. The target is a byte string (as Node gives
 * `req.url`). Throws a `ProtocolError` with rule `"path-encoding"` when percent-escapes are
 * malformed or the decoded bytes are not UTF-8; servers answer that with 400.
 *
 * @example
 * ```ts
 * parseRequestTarget("/caf%C3%A9?x=1"); // { path: "/café", raw_path: "/caf%C3%A9", query_string: "x=1" }
 * ```
 */
export function parseRequestTarget(target: string): RequestTargetParts {
  let rest = target;
  if (!rest.startsWith("/") && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(rest)) {
    const afterScheme = rest.indexOf("//") + 2;
    const slash = rest.indexOf("/", afterScheme);
    const question = rest.indexOf("?", afterScheme);
    const cut = slash === -1 ? (question === -1 ? rest.length : question) : question !== -1 && question < slash ? question : slash;
    rest = rest.slice(cut);
    if (!rest.startsWith("/")) rest = `/${rest}`;
  }
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf("?");
  const raw_path = question === -1 ? rest : rest.slice(0, question);
  const query_string = question === -1 ? "" : rest.slice(question + 1);
  return { path: decodePath(raw_path), raw_path, query_string };
}

/**
 * Percent-decodes a raw path (a byte string) and reads the bytes as UTF-8. Throws a
 * `ProtocolError` (rule `"path-encoding"`) for a malformed escape or invalid UTF-8.
 *
 * @example
 * ```ts
 * decodePath("/a%2Fb"); // "/a/b"
 * ```
 */
export function decodePath(rawPath: string): string {
  let plainAscii = true;
  for (let i = 0; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === 0x25 || code > 0x7f) {
      plainAscii = false;
      break;
    }
  }
  if (plainAscii) return rawPath;
  const bytes = new Uint8Array(rawPath.length);
  let length = 0;
  for (let i = 0; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === 0x25) {
      const hex = rawPath.slice(i + 1, i + 3);
      if (!HEX.test(hex)) {
        throw new ProtocolError("path-encoding", `malformed percent-escape "%${hex}" in request path`, rawPath);
      }
      bytes[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else if (code > 0xff) {
      throw new ProtocolError("path-encoding", "request path is not a byte string", rawPath);
    } else {
      bytes[length++] = code;
    }
  }
  try {
    return utf8.decode(bytes.subarray(0, length));
  } catch (cause) {
    throw new ProtocolError("path-encoding", "request path does not decode as UTF-8", rawPath, { cause });
  }
}

/**
 * Builds a scope header list from Node's `rawHeaders` (`[name, value, name, value, …]`):
 * names lowercased, order and duplicates kept.
 *
 * @example
 * ```ts
 * headersFromRawHeaders(["Host", "a", "X-Id", "1"]); // [["host", "a"], ["x-id", "1"]]
 * ```
 */
export function headersFromRawHeaders(rawHeaders: readonly string[]): Headers {
  const headers: Headers = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    headers.push([(rawHeaders[i] as string).toLowerCase(), rawHeaders[i + 1] as string]);
  }
  return headers;
}
