// fastify contender for the server scenarios (see server-workloads.ts).
import Fastify from "fastify";
import { announce } from "./announce.js";
import { fixedBody, workload } from "./server-workloads.js";

const kind = workload();
const body = fixedBody(kind);
const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });

if (kind === "upload") {
  // Count the body as a stream (no buffering), like the other contenders.
  app.addContentTypeParser("*", (_request, payload, done) => {
    let total = 0;
    payload.on("data", (chunk: Buffer) => {
      total += chunk.length;
    });
    payload.on("end", () => done(null, total));
    payload.on("error", (error: Error) => done(error, undefined));
  });
  app.post("/", async (request, reply) => reply.type("text/plain").send(String(request.body as number)));
} else {
  app.get("/", async (_request, reply) => reply.type("text/plain").send(body));
}

await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
if (address === null || typeof address === "string") throw new Error("fastify did not bind a TCP port");
announce(address.port);
