import WebSocket from "ws";
import type { LoadCounts } from "./keep-alive-load.js";

/** One WebSocket cycle: connect, send a message, await its echo, close with 1000, await the close. */
function cycle(url: string, n: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(url);
    const text = `soak message ${n}`;
    socket.once("open", () => socket.send(text));
    socket.once("message", (data: Buffer) => {
      if (data.toString("utf8") !== text) reject(new Error(`echo mismatch: ${data.toString("utf8")}`));
      socket.close(1000, "done");
    });
    socket.once("close", (code: number) => {
      if (code === 1000) resolve();
      else reject(new Error(`closed with ${code}`));
    });
    socket.once("error", reject);
  });
}

/** Runs `total` WebSocket cycles, `concurrency` at a time. */
export async function websocketCycles(url: string, total: number, concurrency: number): Promise<LoadCounts> {
  const counts: LoadCounts = { ok: 0, failed: 0, errors: [] };
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      const n = issued++;
      try {
        await cycle(url, n);
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
