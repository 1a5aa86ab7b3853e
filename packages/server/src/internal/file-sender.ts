import type { ServerResponse } from "node:http";
import { ClientDisconnected } from "@sluice/core";
import { readInto } from "./fs-calls.js";

/** Bytes read from a file per step of `http.response.pathsend`. */
export const FILE_READ_SIZE = 256 * 1024;

/** Read buffers kept for reuse between responses (at most this many, i.e. 8 MiB). */
const SPARE_BUFFER_LIMIT = 32;

/**
 * Read buffers no response is using. Reusing them matters: a fresh 256 KiB buffer per read
 * made V8 start a full collection every few requests on 1 MiB files (external memory grew
 * faster than the young generation was swept), costing more CPU than the copy itself.
 */
const spareBuffers: Buffer[] = [];

function takeBuffer(): Buffer {
  return spareBuffers.pop() ?? Buffer.allocUnsafeSlow(FILE_READ_SIZE);
}

function giveBack(buffer: Buffer): void {
  if (spareBuffers.length < SPARE_BUFFER_LIMIT) spareBuffers.push(buffer);
}

/**
 * Writes `chunk` and resolves once the socket has taken it (its write callback ran), so the
 * buffer under it may be reused. Rejects with `ClientDisconnected` when the connection closes
 * first.
 */
function writeThrough(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = res.socket;
    if (socket === null || socket.destroyed) {
      reject(new ClientDisconnected("the client disconnected during http.response.pathsend"));
      return;
    }
    const onClose = (): void => {
      reject(new ClientDisconnected("the client disconnected during http.response.pathsend"));
    };
    socket.once("close", onClose);
    res.write(chunk, (error) => {
      socket.off("close", onClose);
      if (error === null || error === undefined) resolve();
      else reject(new ClientDisconnected("the client disconnected during http.response.pathsend", { cause: error }));
    });
  });
}

/**
 * Sends the first `size` bytes of the open file `fd` as the response body, one reused buffer
 * at a time: the next read starts only after the socket took the previous chunk, so a slow
 * client holds at most one buffer. Closes nothing; the caller owns `fd`.
 */
export async function sendFileBody(fd: number, size: number, res: ServerResponse): Promise<void> {
  const buffer = takeBuffer();
  let reusable = true;
  try {
    let offset = 0;
    while (offset < size) {
      const length = Math.min(buffer.length, size - offset);
      const bytesRead = await readInto(fd, buffer, length, offset);
      if (bytesRead === 0) throw new Error(`the file ended after ${offset} of ${size} bytes (it shrank while being sent)`);
      offset += bytesRead;
      // A write that fails may leave the buffer queued in the socket: never reuse it then.
      reusable = false;
      await writeThrough(res, bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      reusable = true;
    }
  } finally {
    if (reusable) giveBack(buffer);
  }
}
