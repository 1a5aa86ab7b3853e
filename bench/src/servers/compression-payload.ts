// Shared payloads of the compression contenders (same bytes for every server).

/** A ~100 KiB JSON document: an array of small records, typical of an API listing. */
export function jsonPayload(): Buffer {
  const items: unknown[] = [];
  let length = 2;
  for (let i = 0; length < 100 * 1024; i++) {
    const item = {
      id: i,
      name: `item ${i}`,
      tags: ["alpha", "beta", i % 3 === 0 ? "gamma" : "delta"],
      price: Math.round(i * 137) / 100,
      active: i % 2 === 0,
      description: `lorem ipsum dolor sit amet ${(i * 7919) % 1000}`,
    };
    length += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return Buffer.from(JSON.stringify(items));
}

/** Events per SSE stream and the pause between them. */
export const SSE_EVENTS = 50;
export const SSE_INTERVAL_MS = 5;

/** One SSE event carrying the wall-clock time (ms, sub-ms precision) it was handed to the server. */
export function sseEvent(index: number): Buffer {
  const sentAt = performance.timeOrigin + performance.now();
  return Buffer.from(`id: ${index}\ndata: {"i":${index},"sentAt":${sentAt.toFixed(3)},"note":"tick tock tick tock"}\n\n`);
}
