import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deferred, httpApp, RawClient, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let dir = "";
let bigFile = "";
let bigDigest = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sluice-pathsend-"));
  bigFile = join(dir, "big.bin");
  const data = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  writeFileSync(bigFile, data);
  bigDigest = createHash("sha256").update(data).digest("hex");
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function pathsendApp(path: () => string, headers: Array<[string, string]> = []): ReturnType<typeof httpApp> {
  return httpApp(async (_scope, _receive, send) => {
    await send({ type: "http.response.start", status: 200, headers });
    await send({ type: "http.response.pathsend", path: path() });
  });
}

describe("http.response.pathsend", () => {
  it("sends the whole file with its size as content-length", async () => {
    server = await start(pathsendApp(() => bigFile, [["content-type", "application/octet-stream"]]));
    const response = await fetch(server.url);
    expect(response.headers.get("content-length")).toBe(String(8 * 1024 * 1024));
    const body = Buffer.from(await response.arrayBuffer());
    expect(createHash("sha256").update(body).digest("hex")).toBe(bigDigest);
  });

  it("resolves send() only after the file went out, pausing while the client does not read", async () => {
    const done = deferred();
    let finished = false;
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.pathsend", path: bigFile });
        finished = true;
        done.resolve();
      }),
    );
    const client = await RawClient.open(server.port);
    client.socket.pause();
    client.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    // Observation window for a negative claim: an unthrottled 8 MiB send over loopback takes a few ms.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(finished).toBe(false);
    client.socket.resume();
    await done.promise;
    await client.closed;
    expect(client.received).toBeGreaterThan(8 * 1024 * 1024);
  });

  it("keeps concurrent downloads of different files apart while it reuses its read buffers", async () => {
    const files = [0x11, 0x5a, 0xc3].map((seed, index) => {
      const data = Buffer.alloc(8 * 1024 * 1024 + 1000 * index);
      for (let i = 0; i < data.length; i++) data[i] = (i * seed + (i >> 12) + index) & 0xff;
      const path = join(dir, `concurrent-${index}.bin`);
      writeFileSync(path, data);
      return { path, digest: createHash("sha256").update(data).digest("hex") };
    });
    server = await start(
      httpApp(async (scope, _receive, send) => {
        const file = files[Number(scope.path.slice(1))];
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.pathsend", path: file?.path ?? "" });
      }),
    );
    const port = server.port;
    const requests = Array.from({ length: 6 }, (_, i) => i % files.length);
    // Clients that do not read at first, so the server's writes queue behind full socket buffers.
    const clients = await Promise.all(
      requests.map(async (index) => {
        const client = await RawClient.open(port);
        client.socket.pause();
        client.write(`GET /${index} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
        return client;
      }),
    );
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.socket.once("readable", resolve))));
    for (const client of clients) client.socket.resume();
    await Promise.all(clients.map((client) => client.closed));
    const digests = clients.map((client) => {
      const raw = Buffer.from(client.text, "latin1");
      return createHash("sha256").update(raw.subarray(raw.indexOf("\r\n\r\n") + 4)).digest("hex");
    });
    expect(digests).toEqual(requests.map((index) => files[index]?.digest));
  });

  it("cuts the response short when the file shrinks while it is being sent", async () => {
    const shrinking = join(dir, "shrinking.bin");
    writeFileSync(shrinking, Buffer.alloc(32 * 1024 * 1024, 0x61));
    const failure = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.pathsend", path: shrinking }).catch((error: unknown) => {
          failure.resolve(error);
        });
      }),
    );
    const client = await RawClient.open(server.port);
    client.socket.pause();
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    // Wait until the head is out (the file is open and its size known), then shrink the file.
    await new Promise<void>((resolve) => client.socket.once("readable", resolve));
    writeFileSync(shrinking, Buffer.alloc(1000, 0x61));
    client.socket.resume();
    await client.closed;
    expect(String(await failure.promise)).toMatch(/shrank/);
    expect(client.received).toBeLessThan(32 * 1024 * 1024);
  });

  it("sends only the head for HEAD requests", async () => {
    server = await start(pathsendApp(() => bigFile));
    const response = await fetch(server.url, { method: "HEAD" });
    expect(response.headers.get("content-length")).toBe(String(8 * 1024 * 1024));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers 500 when the file does not exist", async () => {
    server = await start(pathsendApp(() => join(dir, "missing.bin")));
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(server.logger.text("error")).toContain("ENOENT");
  });

  it("rejects a relative path with a ProtocolError", async () => {
    server = await start(pathsendApp(() => "relative/file.txt"));
    expect((await fetch(server.url)).status).toBe(500);
    expect(server.logger.text("error")).toContain("pathsend-path");
  });
});

describe("http.response.trailers", () => {
  const trailerApp = httpApp(async (_scope, _receive, send) => {
    await send({ type: "http.response.start", status: 200, headers: [["trailer", "x-checksum"]], trailers: true });
    await send({ type: "http.response.body", body: Buffer.from("data"), more_body: true });
    await send({ type: "http.response.body", body: Buffer.from("!") });
    await send({ type: "http.response.trailers", headers: [["x-checksum", "abc"]], more_trailers: true });
    await send({ type: "http.response.trailers", headers: [["x-extra", "1"]] });
  });

  it("sends trailers after the last chunk when the request had TE: trailers", async () => {
    server = await start(trailerApp);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.body).toBe("data!");
    expect(response?.trailers).toEqual([
      ["x-checksum", "abc"],
      ["x-extra", "1"],
    ]);
    client.destroy();
  });

  it("completes the response without trailers when the request did not accept them", async () => {
    server = await start(trailerApp);
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [response] = await client.responses(1);
    expect(response?.body).toBe("data!");
    expect(response?.trailers).toEqual([]);
    client.destroy();
  });

  it("rejects trailers when http.response.start did not announce them", async () => {
    const error = deferred<unknown>();
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("x"), more_body: true });
        await send({ type: "http.response.trailers", headers: [] }).catch((e: unknown) => {
          error.resolve(e);
        });
        await send({ type: "http.response.body" });
      }),
    );
    await (await fetch(server.url, { headers: { te: "trailers" } })).text();
    expect(await error.promise).toMatchObject({ rule: "trailers-order" });
  });
});

describe("http.response.early_hint", () => {
  it("sends 103 Early Hints with the links before the final response", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.early_hint", links: ["</style.css>; rel=preload; as=style", "</app.js>; rel=preload; as=script"] });
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("page") });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const [hint, final] = await client.responses(2);
    expect(hint?.status).toBe(103);
    expect(hint?.headers.filter(([name]) => name === "link").map(([, value]) => value).join(", ")).toBe(
      "</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script",
    );
    expect(final).toMatchObject({ status: 200, body: "page" });
    client.destroy();
  });

  it("skips early hints for HTTP/1.0 clients", async () => {
    server = await start(
      httpApp(async (_scope, _receive, send) => {
        await send({ type: "http.response.early_hint", links: ["</a.css>; rel=preload"] });
        await send({ type: "http.response.start", status: 200 });
        await send({ type: "http.response.body", body: Buffer.from("page") });
      }),
    );
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.0\r\n\r\n");
    const text = await client.readToEnd();
    expect(text).not.toContain("103");
    expect(text).toMatch(/^HTTP\/1\.1 200/);
  });
});
