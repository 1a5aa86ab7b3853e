// Shared by the websocket contenders: answers GET /memory with the process's memory figures
// after a full garbage collection, so the harness can read memory per connection from inside
// the server process. Every other plain HTTP request gets 426.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as (() => void) | undefined;

export function memoryEndpoint(req: IncomingMessage, res: ServerResponse): void {
  if (req.url !== "/memory") {
    res.writeHead(426, { "content-type": "text/plain" }).end("Upgrade Required");
    return;
  }
  collect?.();
  collect?.();
  const usage = process.memoryUsage();
  const body = JSON.stringify({ rss: usage.rss, heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
}
