import { serve } from "@sluice/server";
import { afterEach, describe, expect, it } from "vitest";
import { fromFetch } from "../src/index.js";

const platformResponse = globalThis.Response;
let server: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("fromFetch with overrideGlobalResponse: false", () => {
  it("leaves the global Response alone and still serves platform responses", async () => {
    const app = fromFetch(() => new Response("platform", { status: 201, headers: { "x-a": "1" } }), { overrideGlobalResponse: false });
    server = await serve(app, { host: "127.0.0.1", port: 0, accessLog: false, lifespan: "off" });
    const response = await fetch(server.url);
    expect(globalThis.Response).toBe(platformResponse);
    expect([response.status, response.headers.get("x-a"), await response.text()]).toEqual([201, "1", "platform"]);
  });

  it("installs the lightweight Response when a later fromFetch call asks for the default", () => {
    try {
      fromFetch(() => new Response("x"));
      expect(globalThis.Response).not.toBe(platformResponse);
      expect(new platformResponse("x")).toBeInstanceOf(Response);
    } finally {
      globalThis.Response = platformResponse;
    }
  });
});
