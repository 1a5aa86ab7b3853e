import { once } from "node:events";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientDisconnected } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { deferred, httpApp, start } from "./helpers.js";

let server: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Opens a raw connection, sends a GET, and never reads the answer. */
async function stalledReader(port: number, path: string): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.pause();
  socket.on("error", () => undefined);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  return socket;
}

describe("timeoutSend (a client that stops reading)", () => {
  it("closes the connection and rejects the blocked send() with ClientDisconnected", async () => {
    const failure = deferred<unknown>();
    const chunk = new Uint8Array(1024 * 1024);
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        try {
          for (;;) await send({ type: "http.response.body", body: chunk, more_body: true });
        } catch (error) {
          failure.resolve(error);
        }
      }),
      { timeoutSend: 0.3 },
    );
    const socket = await stalledReader(server.port, "/");
    const error = await failure.promise;
    expect(error).toBeInstanceOf(ClientDisconnected);
    expect(server.logger.lines.map((entry) => entry.line).join("\n")).toMatch(/client stopped reading the response to "GET \/ HTTP\/1.1" for 0.3 s \(timeoutSend\)/);
    socket.destroy();
  });

  it("closes a pathsend response the client stopped reading", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-slow-reader-"));
    const file = join(dir, "big.bin");
    await writeFile(file, "");
    await truncate(file, 256 * 1024 * 1024);
    const failure = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.pathsend", path: file }).catch((error: unknown) => failure.resolve(error));
      }),
      { timeoutSend: 0.3 },
    );
    const socket = await stalledReader(server.port, "/file");
    expect(await failure.promise).toBeInstanceOf(ClientDisconnected);
    socket.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("never cuts an app that pauses between messages while the client keeps up", async () => {
    const gate = deferred();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: new TextEncoder().encode("first;"), more_body: true });
        await gate.promise; // longer than timeoutSend, but no write is blocked
        await send({ type: "http.response.body", body: new TextEncoder().encode("second;") });
      }),
      { timeoutSend: 0.1 },
    );
    const response = await fetch(`${server.url}/`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first;");
    await new Promise((resolve) => setTimeout(resolve, 400)); // let the timeout window pass on purpose
    gate.resolve();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("second;");
  });

  it("rejects a zero timeout naming the option", async () => {
    await expect(start(httpApp(() => Promise.resolve()), { timeoutSend: 0 })).rejects.toThrow(/timeoutSend/);
  });
});
