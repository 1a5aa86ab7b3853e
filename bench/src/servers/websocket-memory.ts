// Shared by the websocket contenders: answers GET /memory with the process's memory figures
// after a full garbage collection, so the harness can read memory per connection from inside
// the server process, and GET /cpu with the CPU time the process has used so far (a figure
// that a busy, shared machine disturbs less than throughput). Other plain requests get 426.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as (() => void) | undefined;

export function memoryEndpoint(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === "/cpu") {
    const { user, system } = process.cpuUsage();
    const body = JSON.stringify({ micros: user + system });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    return;
  }
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
