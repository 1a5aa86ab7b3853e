// The `cors` npm package (Express-style middleware) in front of a hello-world node:http handler.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import corsMiddleware from "cors";
import { announce, HELLO_BODY } from "./announce.js";

// The same policy as cors-sluice.ts.
const handleCors = corsMiddleware({
  origin: ["https://a.example", "https://b.example"],
  methods: ["GET", "POST", "PUT"],
  allowedHeaders: ["x-token", "content-type"],
  credentials: true,
  exposedHeaders: ["x-request-id"],
  maxAge: 600,
});

const server = createServer((req, res) => {
  handleCors(req, res, () => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(HELLO_BODY) });
    res.end(HELLO_BODY);
  });
});
server.listen(0, "127.0.0.1", () => announce((server.address() as AddressInfo).port));
