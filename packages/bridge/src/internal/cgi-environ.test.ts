import { describe, expect, it } from "vitest";
import type { HTTPScope } from "@sluice/core";
import { buildCgiEnviron } from "./cgi-environ.js";

const scope = (overrides: Partial<HTTPScope>): HTTPScope => ({
  type: "http",
  asgi: { version: "3.0" },
  http_version: "1.1",
  method: "GET",
  scheme: "http",
  path: "/",
  raw_path: null,
  query_string: "",
  root_path: "",
  headers: [],
  client: null,
  server: null,
  ...overrides,
});

describe("buildCgiEnviron", () => {
  it("takes SERVER_NAME and SERVER_PORT from the Host header when the scope has no server", () => {
    expect(buildCgiEnviron(scope({ headers: [["host", "api.example:8443"]] }))).toMatchObject({ SERVER_NAME: "api.example", SERVER_PORT: "8443" });
    expect(buildCgiEnviron(scope({ scheme: "https", headers: [["host", "[::1]"]] }))).toMatchObject({ SERVER_NAME: "[::1]", SERVER_PORT: "443" });
  });

  it("falls back to localhost and the scheme's port without server or Host", () => {
    expect(buildCgiEnviron(scope({}))).toMatchObject({ SERVER_NAME: "localhost", SERVER_PORT: "80" });
  });

  it("leaves REMOTE_PORT out for a unix-socket peer and REMOTE_ADDR out when the peer is unknown", () => {
    expect(buildCgiEnviron(scope({ client: ["/run/app.sock", null] }))).toMatchObject({ REMOTE_ADDR: "/run/app.sock" });
    expect(buildCgiEnviron(scope({ client: ["/run/app.sock", null] }))).not.toHaveProperty("REMOTE_PORT");
    expect(buildCgiEnviron(scope({}))).not.toHaveProperty("REMOTE_ADDR");
  });

  it("keeps the whole path in PATH_INFO when it does not start with root_path", () => {
    expect(buildCgiEnviron(scope({ root_path: "/app", path: "/other" }))).toMatchObject({ SCRIPT_NAME: "/app", PATH_INFO: "/other" });
  });

  it("writes SERVER_PROTOCOL as HTTP/ plus the scope's version", () => {
    expect(buildCgiEnviron(scope({ http_version: "1.0" }))["SERVER_PROTOCOL"]).toBe("HTTP/1.0");
    expect(buildCgiEnviron(scope({ http_version: "2" }))["SERVER_PROTOCOL"]).toBe("HTTP/2");
  });
});
