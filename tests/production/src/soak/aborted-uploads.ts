import { once } from "node:events";
import { connect } from "node:net";
import type { LoadCounts } from "./keep-alive-load.js";

const PART = Buffer.alloc(64 * 1024, 0x61);

/**
 * One aborted upload: announces a 1 MiB body, sends 64 KiB of it, and once that is flushed
 * to the kernel resets the connection (the server sees the client vanish mid-body).
 */
async function abortedUpload(port: number): Promise<void> {
  const socket = connect({ port, host: "127.0.0.1" });
  socket.on("error", () => undefined);
  await once(socket, "connect");
  socket.write(`POST /upload HTTP/1.1\r\nHost: soak.test\r\nContent-Type: application/octet-stream\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
  await new Promise<void>((resolve) => socket.write(PART, () => resolve()));
  const closed = once(socket, "close");
  socket.resetAndDestroy();
  await closed;
}

/** Runs `total` aborted uploads, `concurrency` at a time. */
export async function abortedUploads(port: number, total: number, concurrency: number): Promise<LoadCounts> {
  const counts: LoadCounts = { ok: 0, failed: 0, errors: [] };
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      try {
        await abortedUpload(port);
        counts.ok++;
      } catch (error) {
        counts.failed++;
        if (counts.errors.length < 5) counts.errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}
