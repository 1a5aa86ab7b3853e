// The `compression` npm package (Express-style middleware) on node:http, same routes as compression-sluice.ts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import compressionMiddleware from "compression";
import { announce } from "./announce.js";
import { jsonPayload, SSE_EVENTS, SSE_INTERVAL_MS, sseEvent } from "./compression-payload.js";

const json = jsonPayload();
// Defaults are gzip level 6 and Brotli quality 4, the same as the sluice contender.
const compress = compressionMiddleware();

type FlushableResponse = import("node:http").ServerResponse & { flush?: () => void };

const server = createServer((req, res: FlushableResponse) => {
  compress(req as never, res as never, () => {
    if (req.url === "/sse") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      void (async () => {
        for (let i = 0; i < SSE_EVENTS; i++) {
          if (i > 0) await delay(SSE_INTERVAL_MS);
          res.write(sseEvent(i));
          res.flush?.(); // `compression` buffers until flushed
        }
        res.end();
      })();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": json.byteLength });
    res.end(json);
  });
});
server.listen(0, "127.0.0.1", () => announce((server.address() as AddressInfo).port));
