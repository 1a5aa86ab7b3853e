import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFuzzTarget, type FuzzTarget } from "../src/fuzz/fuzz-target.js";
import { responseStatuses, sendCase } from "../src/fuzz/send-case.js";

// The request shapes SECURITY.md says the server rejects (request smuggling and framing
// ambiguities), sent over a raw socket: each gets 400 and never reaches the app.
const REJECTED: Array<[string, string]> = [
  ["obsolete line folding", "GET /health HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"],
  ["bare LF line endings", "GET /health HTTP/1.1\nHost: a\n\n"],
  ["a bare CR", "GET /health HTTP/1.1\rHost: a\r\n\r\n"],
  ["Content-Length together with Transfer-Encoding", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
  ["two different Content-Length values", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"],
  ["whitespace between a header name and the colon", "GET /health HTTP/1.1\r\nHost : a\r\n\r\n"],
  ["chunked not being the final transfer coding", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n"],
  ["invalid percent-encoding in the path", "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
];

describe("strict request parsing", () => {
  let target: FuzzTarget;

  beforeAll(async () => {
    target = await startFuzzTarget();
  });

  afterAll(async () => {
    await target.stop();
  });

  it.each(REJECTED)("rejects %s with 400 without calling the app", async (_name, text) => {
    const before = await target.stats();
    const outcome = await sendCase(target.sluice.port, Buffer.from(text, "latin1"), [], 10_000);
    expect(outcome.timedOut).toBe(false);
    expect(responseStatuses(outcome.response)).toEqual([400]);
    expect((await target.stats()).seen).toBe(before.seen);
  });

  it("answers 400 to an invalid chunk size in a body the app is already reading", async () => {
    // The head is valid, so the app is called; the broken framing ends the request with 400
    // (the app sees http.disconnect) and the connection is closed.
    const text = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
    const outcome = await sendCase(target.sluice.port, Buffer.from(text, "latin1"), [], 10_000);
    expect(outcome.timedOut).toBe(false);
    expect(responseStatuses(outcome.response)).toEqual([400]);
  });

  it("answers a request head larger than --max-header-size with 431 without calling the app", async () => {
    const before = await target.stats();
    const text = `GET /health HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`;
    const outcome = await sendCase(target.sluice.port, Buffer.from(text, "latin1"), [], 10_000);
    expect(responseStatuses(outcome.response)).toEqual([431]);
    expect((await target.stats()).seen).toBe(before.seen);
  });
});
