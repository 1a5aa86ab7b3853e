import type { Headers as HeaderTuples, HTTPSend } from "@sluice/core";
import { responseHeaderTuples } from "./header-conversion.js";
import { plainResponseParts, type PlainResponseParts } from "./light-response.js";

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

/** Writes a light response whose body is still a string, bytes or nothing: one start, one body message. */
async function sendPlainResponse(parts: PlainResponseParts, send: HTTPSend, isHead: boolean, progress: ResponseProgress): Promise<void> {
  await send({ type: "http.response.start", status: parts.status, headers: parts.headers as HeaderTuples });
  const body = parts.body;
  progress.done = true;
  await send({ type: "http.response.body", body: body === null || isHead ? EMPTY : typeof body === "string" ? Buffer.from(body, "utf8") : body, more_body: false });
}

/**
 * Streams a Fetch `Response` to an async-interface `send`: status and headers exactly
 * (Set-Cookie kept separate), then the body chunk by chunk, awaiting each `send` so a slow
 * client slows the producer. A body that turns out to be a single chunk goes out as one
 * message, so the server can write it in one go; chunks of a live stream are never held
 * back waiting for the next one. A `LightResponse` whose body is still a string or bytes is
 * written straight from them, without a body stream. `progress.done` is set just before the
 * last body message.
 */
export function sendFetchResponse(response: Response, send: HTTPSend, isHead: boolean, progress: ResponseProgress): Promise<void> {
  const parts = plainResponseParts(response);
  if (parts !== undefined) return sendPlainResponse(parts, send, isHead, progress);
  return sendStreamedResponse(response, send, isHead, progress);
}

/** Writes any `Response` through its body stream, one message per chunk. */
async function sendStreamedResponse(response: Response, send: HTTPSend, isHead: boolean, progress: ResponseProgress): Promise<void> {
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
