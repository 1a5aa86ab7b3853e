/**
 * Seed requests for the HTTP/1.1 mutation fuzzer: valid requests of every shape the server
 * handles, and requests known to be malformed or ambiguous (request smuggling shapes, bad
 * framing, oversize heads). Every seed is raw bytes as a client would put them on the wire.
 */
export interface HttpSeed {
  name: string;
  bytes: Buffer;
}

const CRLF = "\r\n";

function seed(name: string, lines: readonly string[], body = ""): HttpSeed {
  return { name, bytes: Buffer.from(lines.join(CRLF) + CRLF + CRLF + body, "latin1") };
}

function raw(name: string, text: string): HttpSeed {
  return { name, bytes: Buffer.from(text, "latin1") };
}

/** The HTTP seed corpus. */
export const HTTP_SEEDS: readonly HttpSeed[] = [
  seed("get", ["GET /health HTTP/1.1", "Host: fuzz.test"]),
  seed("get-headers", ["GET /whoami?a=1&b=%20x HTTP/1.1", "Host: fuzz.test", "User-Agent: fuzz/1.0", "Accept: */*", "Accept-Encoding: gzip, br", "Cookie: a=b; c=d", "X-Forwarded-For: 10.0.0.1, 10.0.0.2", "X-Forwarded-Proto: https", "Forwarded: for=\"[2001:db8::1]:4711\";proto=https"]),
  seed("post-length", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Content-Type: text/plain", "Content-Length: 11"], "hello world"),
  seed("post-chunked", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Transfer-Encoding: chunked", "TE: trailers"], "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"),
  raw("pipelined", `GET /health HTTP/1.1${CRLF}Host: a${CRLF}${CRLF}POST /echo HTTP/1.1${CRLF}Host: a${CRLF}Content-Length: 3${CRLF}${CRLF}abcGET /whoami HTTP/1.1${CRLF}Host: a${CRLF}Connection: close${CRLF}${CRLF}`),
  seed("throw", ["GET /throw HTTP/1.1", "Host: fuzz.test"]),
  seed("http10", ["GET /health HTTP/1.0", "Connection: keep-alive"]),
  seed("options-star", ["OPTIONS * HTTP/1.1", "Host: fuzz.test"]),
  seed("absolute-form", ["GET http://fuzz.test/health?x=y HTTP/1.1", "Host: fuzz.test"]),
  seed("expect-continue", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Expect: 100-continue", "Content-Length: 4"], "data"),
  seed("head", ["HEAD /whoami HTTP/1.1", "Host: fuzz.test"]),
  seed("websocket-handshake", ["GET /chat HTTP/1.1", "Host: fuzz.test", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: chat, superchat", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"]),
  // Known-bad shapes.
  seed("cl-and-te", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Content-Length: 4", "Transfer-Encoding: chunked"], "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"),
  seed("two-lengths", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Content-Length: 3", "Content-Length: 5"], "abcde"),
  seed("te-chunked-identity", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Transfer-Encoding: chunked, identity"], "3\r\nabc\r\n0\r\n\r\n"),
  seed("obs-fold", ["GET /health HTTP/1.1", "Host: fuzz.test", "X-Long: first", " continued"]),
  raw("bare-lf", "GET /health HTTP/1.1\nHost: fuzz.test\n\n"),
  seed("space-before-colon", ["GET /health HTTP/1.1", "Host : fuzz.test"]),
  seed("bad-header-name", ["GET /health HTTP/1.1", "Host: fuzz.test", "Bad[Name]: x"]),
  seed("nul-in-path", ["GET /he\u0000alth HTTP/1.1", "Host: fuzz.test"]),
  seed("http2-version", ["GET /health HTTP/2.0", "Host: fuzz.test"]),
  seed("no-host", ["GET /health HTTP/1.1"]),
  seed("huge-header", ["GET /health HTTP/1.1", "Host: fuzz.test", `X-Big: ${"a".repeat(20_000)}`]),
  seed("chunk-overflow", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Transfer-Encoding: chunked"], "fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
  seed("negative-length", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Content-Length: -1"], "x"),
  seed("connect", ["CONNECT fuzz.test:443 HTTP/1.1", "Host: fuzz.test:443"]),
  seed("bad-percent", ["GET /%zz%2 HTTP/1.1", "Host: fuzz.test"]),
  seed("too-large-body", ["POST /echo HTTP/1.1", "Host: fuzz.test", "Content-Length: 99999999"], "abc"),
  seed("h2c-upgrade", ["GET /health HTTP/1.1", "Host: fuzz.test", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"]),
];

/** Byte strings the mutator likes to insert (framing characters, numbers, header fragments). */
export const HTTP_DICTIONARY: readonly string[] = [
  "\r\n", "\n", "\r", " ", "\t", ":", ";", ",", "\u0000", "\u007f", "\u00ff", "0", "-1", "00", "0x10",
  "4294967296", "18446744073709551617", "chunked", "Transfer-Encoding: chunked\r\n", "Content-Length: 0\r\n",
  "Content-Length: 5\r\n", "Expect: 100-continue\r\n", "Connection: close\r\n", "Connection: keep-alive\r\n",
  "Upgrade: websocket\r\n", "%", "%00", "%2F", "..", "/../", "?", "#", "HTTP/1.1", "HTTP/1.0", " HTTP/1.1\r\n",
  "\r\n\r\n", "0\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "/throw",
];
