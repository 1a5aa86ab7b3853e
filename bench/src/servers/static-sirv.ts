// sirv (production mode, ETags on so every contender sends validators) on node:http.
import { createServer } from "node:http";
import sirv from "sirv";
import { announce } from "./announce.js";
import { prepareStaticFixture } from "./static-fixture.js";

const directory = await prepareStaticFixture();
const handler = sirv(directory, { dev: false, etag: true });
const server = createServer((req, res) => {
  handler(req, res, () => {
    res.writeHead(404, { "content-length": "0" });
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address !== null && typeof address === "object") announce(address.port);
});
