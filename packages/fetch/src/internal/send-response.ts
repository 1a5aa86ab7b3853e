import type { HTTPSend } from "@sluice/core";
import { responseHeaderTuples } from "./header-conversion.js";

const EMPTY = new Uint8Array(0);

/**
 * Resolves at the end of this event-loop turn (after every pending microtask). A read of a
 * stream that has already ended settles before that, through microtasks alone; a read that
 * waits for a live producer does not. One turn is all a streamed chunk is ever held.
 */
function endOfTurn(): Promise<"pending"> {
  return new Promise((resolve) => setImmediate(resolve, "pending"));
}

/** Something told when the last body message is about to be handed to `send`. */
export interface ResponseProgress {
  done: boolean;
}

/**
 * Streams a Fetch `Response` to an async-interface `send`: status and headers exactly
 * (Set-Cookie kept separate), then the body chunk by chunk, awaiting each `send` so a slow
 * client slows the producer. A body that turns out to be a single chunk goes out as one
 * message, so the server can write it in one go; chunks of a live stream are never held
 * back waiting for the next one. `progress.done` is set just before the last body message.
 * (A `LightResponse` whose body is still a string or bytes is written by `fromFetch` itself,
 * without a body stream.)
 */
export async function sendStreamedResponse(response: Response, send: HTTPSend, isHead: boolean, progress: ResponseProgress): Promise<void> {
  await send({ type: "http.response.start", status: response.status, headers: responseHeaderTuples(response.headers) });
  const body = response.body;
  if (body === null || isHead) {
    if (body !== null) await body.cancel();
    progress.done = true;
    await send({ type: "http.response.body", body: EMPTY, more_body: false });
    return;
  }
  const reader = body.getReader();
  try {
    let current = await reader.read();
    while (!current.done) {
      const chunk = current.value as Uint8Array;
      const following = reader.read();
      const early = await Promise.race([following, endOfTurn()]);
      if (early !== "pending" && early.done) {
        progress.done = true;
        await send({ type: "http.response.body", body: chunk, more_body: false });
        return;
      }
      await send({ type: "http.response.body", body: chunk, more_body: true });
      current = early === "pending" ? await following : early;
    }
    progress.done = true;
    await send({ type: "http.response.body", body: EMPTY, more_body: false });
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
}
