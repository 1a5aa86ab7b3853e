import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HTTPScope, TlsExtension } from "@sluice/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { httpApp, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sluice-transport-"));
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: "ignore" });
  };
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "client-key.pem"), "-out", join(dir, "client-cert.pem"), "-days", "2", "-subj", "/O=Sluice Tests/CN=test-client");
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function scopeEcho(): ReturnType<typeof httpApp> {
  return httpApp(async (scope, _receive, send) => {
    await send({ type: "http.response.start", status: 200, headers: [["content-type", "application/json"]] });
    await send({ type: "http.response.body", body: Buffer.from(JSON.stringify(scope)) });
  });
}

function get(requestFn: typeof httpRequest | typeof httpsRequest, options: RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = requestFn({ ...options, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("TLS", () => {
  it("serves HTTPS with scheme https and the tls extension", async () => {
    server = await start(scopeEcho(), { sslKeyfile: join(dir, "key.pem"), sslCertfile: join(dir, "cert.pem") });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await get(httpsRequest, { host: "127.0.0.1", port: server.port, path: "/secure", ca: readFileSync(join(dir, "cert.pem")) });
    const scope = JSON.parse(response.body) as HTTPScope;
    expect(scope.scheme).toBe("https");
    const tls = scope.extensions?.tls as TlsExtension;
    expect(tls.tls_version).toBe(0x0304);
    expect([0x1301, 0x1302, 0x1303]).toContain(tls.cipher_suite);
    expect(tls.server_cert).toBe(readFileSync(join(dir, "cert.pem"), "latin1"));
    expect(tls.client_cert_chain).toEqual([]);
    expect(tls.client_cert_name).toBeNull();
  });

  it("reports the client certificate when one is requested and sent", async () => {
    server = await start(scopeEcho(), {
      sslKeyfile: join(dir, "key.pem"),
      sslCertfile: join(dir, "cert.pem"),
      sslCaCerts: join(dir, "client-cert.pem"),
      sslCertReqs: 1,
    });
    const response = await get(httpsRequest, {
      host: "127.0.0.1",
      port: server.port,
      ca: readFileSync(join(dir, "cert.pem")),
      key: readFileSync(join(dir, "client-key.pem")),
      cert: readFileSync(join(dir, "client-cert.pem")),
    });
    const tls = (JSON.parse(response.body) as HTTPScope).extensions?.tls as TlsExtension;
    expect(tls.client_cert_name).toBe("CN=test-client,O=Sluice Tests");
    expect(tls.client_cert_chain).toHaveLength(1);
    expect(tls.client_cert_chain[0]?.replace(/\s/g, "")).toBe(readFileSync(join(dir, "client-cert.pem"), "latin1").replace(/\s/g, ""));
    expect(tls.client_cert_error).toBeNull();
  });

  it("serves a request offering an h2c upgrade over TLS as plain HTTPS", async () => {
    server = await start(scopeEcho(), { sslKeyfile: join(dir, "key.pem"), sslCertfile: join(dir, "cert.pem") });
    const response = await get(httpsRequest, {
      host: "127.0.0.1",
      port: server.port,
      path: "/offered-h2c",
      ca: readFileSync(join(dir, "cert.pem")),
      headers: { upgrade: "h2c", connection: "Upgrade, HTTP2-Settings", "http2-settings": "AAMAAABkAAQAAP__" },
    });
    expect(response.status).toBe(200);
    const scope = JSON.parse(response.body) as HTTPScope;
    expect(scope).toMatchObject({ scheme: "https", path: "/offered-h2c" });
    expect((scope.extensions?.tls as TlsExtension).tls_version).toBe(0x0304);
  });

  it("does not advertise tls on plain HTTP", async () => {
    server = await start(scopeEcho());
    const scope = (await (await fetch(server.url)).json()) as HTTPScope;
    expect(scope.extensions?.tls).toBeUndefined();
  });

  it("refuses to start with a missing key file, naming the option", async () => {
    await expect(start(scopeEcho(), { sslKeyfile: join(dir, "nope.pem"), sslCertfile: join(dir, "cert.pem") })).rejects.toMatchObject({ option: "sslKeyfile" });
  });
});

describe("unix domain sockets", () => {
  it("serves on a unix socket with server [path, null] and client null", async () => {
    const socketPath = join(dir, "sluice.sock");
    server = await start(scopeEcho(), { uds: socketPath });
    expect(server.url).toBe(`http+unix://${encodeURIComponent(socketPath)}`);
    const response = await get(httpRequest, { socketPath, path: "/over-uds" });
    const scope = JSON.parse(response.body) as HTTPScope;
    expect(scope.path).toBe("/over-uds");
    expect(scope.server).toEqual([socketPath, null]);
    expect(scope.client).toBeNull();
  });

  it("believes proxy headers from unix-socket peers when forwardedAllowIps lists unix:", async () => {
    const socketPath = join(dir, "proxied.sock");
    server = await start(scopeEcho(), { uds: socketPath, forwardedAllowIps: "unix:" });
    const response = await get(httpRequest, { socketPath, path: "/", headers: { "x-forwarded-for": "203.0.113.77", "x-forwarded-proto": "https" } });
    const scope = JSON.parse(response.body) as HTTPScope;
    expect(scope.client).toEqual(["203.0.113.77", 0]);
    expect(scope.scheme).toBe("https");
  });
});
