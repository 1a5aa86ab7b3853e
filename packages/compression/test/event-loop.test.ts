import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compression } from "../src/index.js";
import { httpScope, oneShotApp, run, streamingApp } from "./helpers.js";

/** Counts event-loop turns (setImmediate callbacks) until `work` settles. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let settled = false;
  let turns = 0;
  const counting = (async () => {
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
  })();
  await work.finally(() => {
    settled = true;
  });
  await counting;
  return turns;
}

// Hex text of random bytes compresses slowly at high quality: enough work to span many loop turns.
const body = Buffer.from(randomBytes(256 * 1024).toString("hex"));

describe("event loop", () => {
  it("keeps the event loop turning while a one-message body is encoded", async () => {
    const work = run(compression({ levels: { br: 6 } })(oneShotApp(body, [["content-type", "text/plain"]])), httpScope([["accept-encoding", "br"]]));
    const turns = await turnsDuring(work);
    expect(turns).toBeGreaterThan(10);
  });

  it("keeps the event loop turning while a streamed body is encoded", async () => {
    const work = run(compression({ levels: { br: 6 } })(streamingApp([body], [["content-type", "text/plain"]])), httpScope([["accept-encoding", "br"]]));
    const turns = await turnsDuring(work);
    expect(turns).toBeGreaterThan(10);
  });
});
