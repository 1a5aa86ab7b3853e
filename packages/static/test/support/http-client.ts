import { request } from "node:http";
import { connect } from "node:net";

/** A response as the client saw it: body bytes exactly as received (never decoded). */
export interface ClientResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request with node:http (no automatic decompression, no connection reuse). */
export function fetchRaw(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: { connection: "close", ...init.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** A response read from a raw socket: status, headers in order (names lowercased), body. */
export interface RawResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * Writes `head` (request line and headers, without the final blank line) on a fresh TCP
 * connection, exactly as given, and reads the response until the server closes it.
 */
export function rawRequest(port: number, requestLine: string, headers: string[] = []): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("connect", () => {
      socket.write(Buffer.from(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.map((line) => `${line}\r\n`).join("")}\r\n`, "latin1"));
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function parseResponse(data: Buffer): RawResponse {
  const headEnd = data.indexOf("\r\n\r\n");
  if (headEnd === -1) throw new Error(`no complete response head in ${JSON.stringify(data.toString("latin1").slice(0, 200))}`);
  const lines = data.subarray(0, headEnd).toString("latin1").split("\r\n");
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (statusMatch?.[1] === undefined) throw new Error(`bad status line ${lines[0] ?? ""}`);
  const headers: Array<[string, string]> = lines.slice(1).map((line) => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  let body = data.subarray(headEnd + 4);
  const transferEncoding = headers.find(([name]) => name === "transfer-encoding")?.[1];
  if (transferEncoding?.toLowerCase() === "chunked") body = dechunk(body);
  return { status: Number(statusMatch[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString("latin1"), 16);
    if (size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Like `rawRequest`, but hands body bytes to `onBody` as they arrive instead of keeping them
 * (for very large responses). The returned body is empty.
 */
export function rawRequestStreaming(
  port: number,
  requestLine: string,
  headers: string[],
  onBody: (chunk: Buffer) => void,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let head: Buffer | undefined = Buffer.alloc(0);
    let parsed: RawResponse | undefined;
    socket.on("connect", () => {
      socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.map((line) => `${line}\r\n`).join("")}\r\n`, "latin1");
    });
    socket.on("data", (chunk: Buffer) => {
      if (head === undefined) {
        onBody(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      parsed = parseResponse(Buffer.concat([head.subarray(0, end + 4)]));
      const rest = head.subarray(end + 4);
      head = undefined;
      if (rest.length > 0) onBody(rest);
    });
    socket.on("error", reject);
    socket.on("close", () => {
      if (parsed === undefined) reject(new Error("connection closed before the response head"));
      else resolve(parsed);
    });
  });
}
