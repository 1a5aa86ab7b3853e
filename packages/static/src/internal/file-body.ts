import type { HTTPSend } from "@sluice/core";
import { StaticFileChangedError } from "../errors.js";
import { readInto } from "./fs-calls.js";
import type { ByteRange } from "./range.js";

/** Bytes read from disk per body message: large enough that a 1 GiB file is 4096 reads, small enough to hold per response. */
export const CHUNK_SIZE = 256 * 1024;

/**
 * Sends bytes `range.start..range.end` of an open file as body messages, reading the next
 * chunk only after `send()` of the previous one resolved — so a slow client holds at most one
 * chunk in memory. The last message has `more_body: false` unless `moreFollows`.
 */
export async function sendFileRange(
  send: HTTPSend,
  fd: number,
  path: string,
  range: ByteRange,
  moreFollows: boolean,
): Promise<void> {
  let position = range.start;
  const end = range.end + 1;
  while (position < end) {
    const length = Math.min(CHUNK_SIZE, end - position);
    const chunk = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const bytesRead = await readInto(fd, filled === 0 ? chunk : chunk.subarray(filled), length - filled, position + filled);
      if (bytesRead === 0) {
        throw new StaticFileChangedError(path, `file ended at byte ${position + filled}, before the announced end ${end}`);
      }
      filled += bytesRead;
    }
    position += length;
    await send({ type: "http.response.body", body: chunk, more_body: moreFollows || position < end });
  }
}
