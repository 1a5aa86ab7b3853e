// Reference floor for the cors scenarios: the same hello-world handler on node:http, without CORS.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announce, HELLO_BODY } from "./announce.js";

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(HELLO_BODY) });
  res.end(HELLO_BODY);
});
server.listen(0, "127.0.0.1", () => announce((server.address() as AddressInfo).port));
