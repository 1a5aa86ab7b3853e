// Raw node:http contender for the server scenarios (see server-workloads.ts).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announce } from "./announce.js";
import { fixedBody, workload } from "./server-workloads.js";

const kind = workload();
const body = fixedBody(kind);

const server = createServer((req, res) => {
  if (kind !== "upload") {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
    return;
  }
  let total = 0;
  req.on("data", (chunk: Buffer) => {
    total += chunk.length;
  });
  req.on("end", () => {
    const answer = String(total);
    res.writeHead(200, { "content-type": "text/plain", "content-length": answer.length });
    res.end(answer);
  });
});
server.listen(0, "127.0.0.1", () => announce((server.address() as AddressInfo).port));
