import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSluice, type SluiceProcess } from "../src/sluice-process.js";

const run = promisify(execFile);

// Found by the fuzzer: an `Upgrade` to a protocol other than WebSocket (curl --http2 sends
// `Upgrade: h2c` on every plain-HTTP request) is answered 501 instead of being served as
// HTTP/1.1. RFC 9110 §7.8 lets a server ignore an Upgrade it does not support, and clients
// rely on that.
describe("a request offering an upgrade the server does not support", () => {
  let sluice: SluiceProcess;

  beforeAll(async () => {
    sluice = await startSluice();
  });

  afterAll(async () => {
    await sluice.stop();
  });

  it("is served as plain HTTP/1.1 (curl --http2 against a cleartext server)", async () => {
    const { stdout } = await run("curl", ["-s", "-i", "--http2", `${sluice.url}/health`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 200 /);
    expect(stdout.endsWith("ok")).toBe(true);
  });
});
