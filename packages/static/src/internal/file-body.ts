import type { HTTPSend } from "@sluice/core";
import { StaticFileChangedError } from "../errors.js";
import { readInto } from "./fs-calls.js";
import type { ByteRange } from "./range.js";

/**
 * Bytes read from disk per body message: large enough that a 1 GiB file is 4096 reads, small
 * enough to hold per response.
 */
export const CHUNK_SIZE = 256 * 1024;

/**
 * Sends bytes `range.start..range.end` of an open file as body messages. The next chunk is read
 * while the previous one is being sent, and no further read starts until that `send()`
 * resolved — so a slow client holds at most two chunks (512 KiB) in memory, while a fast one
 * never waits for the disk and the socket in turn. The last message has `more_body: false`
 * unless `moreFollows`.
 */
export async function sendFileRange(
  send: HTTPSend,
  fd: number,
  path: string,
  range: ByteRange,
  moreFollows: boolean,
): Promise<void> {
  const end = range.end + 1;
  let position = range.start;
  let pending: Promise<Buffer> | undefined = position < end ? readChunk(fd, path, position, end) : undefined;
  try {
    while (pending !== undefined) {
      const chunk: Buffer = await pending;
      position += chunk.length;
      pending = position < end ? readChunk(fd, path, position, end) : undefined;
      await send({ type: "http.response.body", body: chunk, more_body: moreFollows || position < end });
    }
  } finally {
    // Never leave a read running on a descriptor the caller is about to close.
    if (pending !== undefined) await pending.catch(() => undefined);
  }
}

/** Reads the chunk starting at `position` (up to `CHUNK_SIZE`, not past `end`) completely. */
async function readChunk(fd: number, path: string, position: number, end: number): Promise<Buffer> {
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
  return chunk;
}
