import type { HTTPScope } from "@sluice/core";
import { getHeader } from "@sluice/core";
import { afterEach, describe, expect, it } from "vitest";
import { httpApp, RawClient, start } from "./helpers.js";

type Started = Awaited<ReturnType<typeof start>>;
let server: Started | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Sends one request with `headers` from `localAddress` and returns the scope the app saw. */
async function scopeFor(headers: string, options: Parameters<typeof start>[1] = {}, localAddress = "127.0.0.1"): Promise<HTTPScope> {
  const scopes: HTTPScope[] = [];
  server = await start(
    httpApp(async (scope, _receive, send) => {
      scopes.push(scope);
      await send({ type: "http.response.start", status: 204 });
      await send({ type: "http.response.body" });
    }),
    options,
  );
  const client = await RawClient.open(server.port, "127.0.0.1", localAddress);
  client.write(`GET / HTTP/1.1\r\nHost: internal:8000\r\n${headers}Connection: close\r\n\r\n`);
  await client.readToEnd();
  const scope = scopes[0];
  if (scope === undefined) throw new Error("the app was not called");
  return scope;
}

describe("proxy headers from a trusted peer (127.0.0.1 by default)", () => {
  it("takes client, scheme and host from X-Forwarded-For/-Proto/-Host", async () => {
    const scope = await scopeFor("X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example\r\n");
    expect(scope.client).toEqual(["203.0.113.7", 0]);
    expect(scope.scheme).toBe("https");
    expect(getHeader(scope.headers, "host")).toBe("shop.example");
  });

  it("picks the right-most untrusted hop so clients cannot spoof by prepending", async () => {
    const scope = await scopeFor("X-Forwarded-For: 6.6.6.6, 198.51.100.4, 10.0.0.2\r\n", { forwardedAllowIps: "127.0.0.1,10.0.0.0/8" });
    expect(scope.client).toEqual(["198.51.100.4", 0]);
  });

  it("reads RFC 7239 Forwarded, including quoted IPv6 with a port", async () => {
    const scope = await scopeFor('Forwarded: for="[2001:db8::17]:4711";proto=https;host=api.example\r\n');
    expect(scope.client).toEqual(["2001:db8::17", 4711]);
    expect(scope.scheme).toBe("https");
    expect(getHeader(scope.headers, "host")).toBe("api.example");
  });

  it("prefers Forwarded over X-Forwarded-For when both are present", async () => {
    const scope = await scopeFor("Forwarded: for=192.0.2.60;proto=http\r\nX-Forwarded-For: 203.0.113.9\r\n");
    expect(scope.client).toEqual(["192.0.2.60", 0]);
  });

  it("trusts everyone with forwardedAllowIps '*'", async () => {
    const scope = await scopeFor("X-Forwarded-For: 203.0.113.50\r\n", { forwardedAllowIps: "*" }, "127.0.0.2");
    expect(scope.client).toEqual(["203.0.113.50", 0]);
  });

  it("matches trusted peers by CIDR", async () => {
    const scope = await scopeFor("X-Forwarded-For: 203.0.113.51\r\n", { forwardedAllowIps: "127.0.0.0/24" }, "127.0.0.2");
    expect(scope.client).toEqual(["203.0.113.51", 0]);
  });

  it("ignores an unknown X-Forwarded-Proto value", async () => {
    const scope = await scopeFor("X-Forwarded-Proto: gopher\r\n");
    expect(scope.scheme).toBe("http");
  });
});

describe("proxy headers from an untrusted peer", () => {
  it("ignores X-Forwarded-* from a peer outside forwardedAllowIps", async () => {
    const scope = await scopeFor("X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n", {}, "127.0.0.2");
    expect(scope.client?.[0]).toBe("127.0.0.2");
    expect(scope.scheme).toBe("http");
    expect(getHeader(scope.headers, "host")).toBe("internal:8000");
  });

  it("ignores Forwarded from a peer outside forwardedAllowIps", async () => {
    const scope = await scopeFor("Forwarded: for=203.0.113.7;proto=https\r\n", { forwardedAllowIps: "10.1.2.3" });
    expect(scope.client?.[0]).toBe("127.0.0.1");
    expect(scope.scheme).toBe("http");
  });

  it("ignores proxy headers entirely when proxyHeaders is false", async () => {
    const scope = await scopeFor("X-Forwarded-For: 203.0.113.7\r\n", { proxyHeaders: false });
    expect(scope.client?.[0]).toBe("127.0.0.1");
  });
});
