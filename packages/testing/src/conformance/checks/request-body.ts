import type { HTTPReceive } from "@sluice/core";
import type { CheckContext, ConformanceCheck } from "../types.js";
import { RawClient, requestHead } from "../raw-client.js";
import { deferred, drainBody, hostOf, httpOnly, respondText } from "./helpers.js";

const MiB = 1024 * 1024;

/** Writes `total` bytes in `piece`-sized chunks, honouring the socket's backpressure. */
async function writeBody(client: RawClient, total: number, piece: number): Promise<void> {
  const chunk = Buffer.alloc(piece, 0x61);
  for (let sent = 0; sent < total; sent += piece) {
    if (!client.socket.write(chunk.subarray(0, Math.min(piece, total - sent)))) {
      await new Promise<void>((resolve) => client.socket.once("drain", resolve));
    }
  }
}

/**
 * Writes until the socket stops draining for `windowMs` (the server stopped reading) or all
 * `total` bytes are out. Returns how many bytes were handed over.
 */
async function writeUntilStalled(client: RawClient, total: number, windowMs: number): Promise<{ written: number; stalled: boolean }> {
  const chunk = Buffer.alloc(256 * 1024, 0x62);
  let written = 0;
  while (written < total) {
    const ok = client.socket.write(chunk);
    written += chunk.byteLength;
    if (ok) continue;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        client.socket.off("drain", onDrain);
        resolve(false);
      }, windowMs);
      const onDrain = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      client.socket.once("drain", onDrain);
    });
    if (!drained) return { written, stalled: true };
  }
  return { written, stalled: false };
}

async function bodyChunks(ctx: CheckContext): Promise<void> {
  const size = 8 * MiB;
  const outcome = deferred<{ events: number; length: number; flags: boolean[] }>();
  const target = await ctx.serve(
    httpOnly(async (_scope, receive, send) => {
      const flags: boolean[] = [];
      let length = 0;
      for (;;) {
        const event = await (receive as HTTPReceive)();
        if (event.type !== "http.request") break;
        flags.push(event.more_body);
        length += event.body.byteLength;
        if (!event.more_body) break;
      }
      outcome.resolve({ events: flags.length, length, flags });
      await respondText(send, 200, String(length));
    }),
  );
  const client = await RawClient.open(ctx, target.url);
  await client.write(requestHead("POST", "/upload", [["Host", hostOf(target.url)], ["Content-Length", String(size)]]));
  await writeBody(client, size, 64 * 1024);
  const { events, length, flags } = await ctx.wait(outcome.promise, "the app to read the whole body");
  ctx.equal(length, size, "total body bytes the app received");
  ctx.expect(events >= 2, `the app received the ${size / MiB} MiB body in ${events} http.request event; a streaming server delivers it in several as it arrives`);
  ctx.expect(
    flags.slice(0, -1).every(Boolean) && flags.at(-1) === false,
    "every http.request event but the last must have more_body: true, and the last more_body: false",
  );
  ctx.equal((await client.readResponse()).status, 200, "response status");
}

async function bodyPull(ctx: CheckContext): Promise<void> {
  const size = 64 * MiB;
  const release = deferred<undefined>();
  const app = { called: false };
  const called = deferred<undefined>();
  const target = await ctx.serve(
    httpOnly(async (_scope, receive, send) => {
      app.called = true;
      called.resolve();
      await release.promise;
      const { body } = await drainBody(receive);
      await respondText(send, 200, String(body.byteLength));
    }),
  );
  const client = await RawClient.open(ctx, target.url);
  await client.write(requestHead("POST", "/upload", [["Host", hostOf(target.url)], ["Content-Length", String(size)]]));
  // A stall is "no drain for a whole second": long enough that a busy machine rarely makes a
  // buffering server look stalled, and such a server is still caught below when it has not
  // called the app yet.
  const window = 1000;
  const { written, stalled } = await writeUntilStalled(client, size, window);
  ctx.expect(
    stalled,
    `the server took all ${size / MiB} MiB of the request body while the app had not called receive()${app.called ? "" : " (the app had not even been called yet: the server buffered the body first)"}; it must read the body only as the app pulls it`,
  );
  await ctx.wait(called.promise, "the app to be called while the request body is still arriving (a server that buffers the whole body first never calls it)");
  release.resolve();
  await writeBody(client, size - written, 256 * 1024);
  const response = await client.readResponse();
  ctx.equal(response.body.toString("latin1"), String(size), "body bytes the app finally received");
}

async function emptyBody(ctx: CheckContext): Promise<void> {
  const first = deferred<unknown>();
  const target = await ctx.serve(
    httpOnly(async (_scope, receive, send) => {
      first.resolve(await receive());
      await respondText(send, 200, "ok");
    }),
  );
  const client = await RawClient.open(ctx, target.url);
  await client.write(requestHead("GET", "/", [["Host", hostOf(target.url)]]));
  const event = (await ctx.wait(first.promise, "the app's first receive()")) as { type: string; body?: Uint8Array; more_body?: boolean };
  ctx.equal(
    { type: event.type, bodyLength: event.body?.byteLength, more_body: event.more_body },
    { type: "http.request", bodyLength: 0, more_body: false },
    "first event of a request without a body",
  );
}

export const requestBodyChecks: ConformanceCheck[] = [
  { id: "http.request.empty-body", title: "A request without a body gives one http.request event with an empty body and more_body false", run: emptyBody },
  { id: "http.request.body-chunks", title: "A large request body reaches the app in several http.request events as it arrives", run: bodyChunks },
  { id: "http.request.body-pull", title: "The server reads the request body only as the app calls receive() (the client is held back meanwhile)", run: bodyPull },
];
