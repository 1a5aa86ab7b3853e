import type { HTTPScope } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { httpApp, RawClient, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves an app that records each scope and answers 204. */
async function captureScopes(options: Parameters<typeof start>[1] = {}): Promise<{ scopes: HTTPScope[]; server: Started }> {
  const scopes: HTTPScope[] = [];
  server = await start(
    httpApp(async (scope, _receive, send) => {
      scopes.push(scope);
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    }),
    options,
  );
  return { scopes, server };
}

describe("the http scope", () => {
  it("decodes the path as UTF-8 and keeps raw_path and query_string as received", async () => {
    const { scopes, server } = await captureScopes();
    const response = await fetch(`${server.url}/caf%C3%A9/a%2Fb?q=%20x&y`);
    expect(response.status).toBe(204);
    expect(scopes[0]).toMatchObject({ path: "/café/a/b", raw_path: "/caf%C3%A9/a%2Fb", query_string: "q=%20x&y" });
  });

  it("carries type, asgi versions, http_version, method and scheme", async () => {
    const { scopes, server } = await captureScopes();
    await fetch(`${server.url}/x`, { method: "DELETE" });
    expect(scopes[0]).toMatchObject({
      type: "http",
      asgi: { version: "3.0", spec_version: "2.5" },
      http_version: "1.1",
      method: "DELETE",
      scheme: "http",
      root_path: "",
    });
  });

  it("reports HTTP/1.0 requests as http_version 1.0", async () => {
    const { scopes, server } = await captureScopes();
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.0\r\n\r\n");
    await client.readToEnd();
    expect(scopes[0]?.http_version).toBe("1.0");
  });

  it("lowercases header names and keeps their order and duplicates", async () => {
    const { scopes, server } = await captureScopes();
    const client = await RawClient.open(server.port);
    client.write("GET / HTTP/1.1\r\nHost: a.test\r\nX-Dup: 1\r\nAccept: */*\r\nX-DUP: 2\r\nConnection: close\r\n\r\n");
    await client.readToEnd();
    expect(scopes[0]?.headers).toEqual([
      ["host", "a.test"],
      ["x-dup", "1"],
      ["accept", "*/*"],
      ["x-dup", "2"],
      ["connection", "close"],
    ]);
  });

  it("keeps non-ASCII header bytes as a latin-1 byte string", async () => {
    const { scopes, server } = await captureScopes();
    const client = await RawClient.open(server.port);
    client.write(Buffer.concat([Buffer.from("GET / HTTP/1.1\r\nHost: a\r\nX-Name: "), Buffer.from("café", "utf8"), Buffer.from("\r\nConnection: close\r\n\r\n")]));
    await client.readToEnd();
    expect(scopes[0]?.headers[1]).toEqual(["x-name", "caf\u00c3\u00a9"]);
  });

  it("sets client to the peer address and server to the bound address", async () => {
    const { scopes, server } = await captureScopes();
    const client = await RawClient.open(server.port);
    const localPort = client.socket.localPort;
    client.write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    await client.readToEnd();
    expect(scopes[0]?.client).toEqual(["127.0.0.1", localPort]);
    expect(scopes[0]?.server).toEqual(["127.0.0.1", server.port]);
  });

  it("prefixes path and raw_path with root_path", async () => {
    const { scopes, server } = await captureScopes({ rootPath: "/api" });
    await fetch(`${server.url}/users?id=1`);
    expect(scopes[0]).toMatchObject({ root_path: "/api", path: "/api/users", raw_path: "/api/users", query_string: "id=1" });
  });

  it("advertises pathsend and early_hint, and trailers only when the request has TE: trailers", async () => {
    const { scopes, server } = await captureScopes();
    await fetch(server.url);
    await fetch(server.url, { headers: { te: "trailers" } });
    expect(scopes[0]?.extensions).toEqual({ "http.response.pathsend": {}, "http.response.early_hint": {} });
    expect(scopes[1]?.extensions).toEqual({ "http.response.pathsend": {}, "http.response.early_hint": {}, "http.response.trailers": {} });
  });

  it("takes the path from an absolute-form request target", async () => {
    const { scopes, server } = await captureScopes();
    const client = await RawClient.open(server.port);
    client.write("GET http://example.test/p/q?x=1 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n");
    await client.readToEnd();
    expect(scopes[0]).toMatchObject({ path: "/p/q", query_string: "x=1" });
  });
});
