import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { LightResponse, PlatformResponse, installLightResponse, plainResponseParts } from "./light-response.js";

type Body = ConstructorParameters<typeof Response>[0];
type Init = ConstructorParameters<typeof Response>[1];

/** The light class seen as the platform constructor, as user code sees it once installed. */
const Light = LightResponse as unknown as typeof Response;

function light(body?: Body, init?: Init): Response {
  return new Light(body, init);
}

async function described(response: Response): Promise<{ status: number; statusText: string; ok: boolean; headers: Array<[string, string]>; text: string }> {
  return { status: response.status, statusText: response.statusText, ok: response.ok, headers: [...response.headers], text: await response.text() };
}

describe("LightResponse", () => {
  it("reports the platform's default content type for a string body", async () => {
    const response = light("hello");
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await response.text()).toBe("hello");
  });

  it("answers status, statusText, ok, type, url and redirected from its arguments", () => {
    const response = light("x", { status: 404, statusText: "Nope" });
    expect([response.status, response.statusText, response.ok, response.type, response.url, response.redirected]).toEqual([404, "Nope", false, "default", "", false]);
    expect(plainResponseParts(response)).toBeDefined();
  });

  it("is instanceof the platform class, and platform responses are instanceof it", () => {
    expect(light("x")).toBeInstanceOf(PlatformResponse);
    expect(new PlatformResponse("x") instanceof LightResponse).toBe(true);
    expect({} instanceof LightResponse).toBe(false);
  });

  it("keeps the ordinary instanceof check for a subclass", () => {
    class Tagged extends LightResponse {
      readonly tag = "t";
    }
    expect(new Tagged("x")).toBeInstanceOf(Tagged);
    expect(new Tagged("x").tag).toBe("t");
    expect(new LightResponse("x") instanceof Tagged).toBe(false);
  });

  it.each<[string, Body, Init]>([
    ["no body", undefined, undefined],
    ["null body and 204", null, { status: 204 }],
    ["a string with a plain header object", "hi", { status: 201, headers: { "X-One": "1", "Content-Type": "text/html" } }],
    ["bytes", new Uint8Array([104, 105]), { headers: { "x-a": "b" } }],
    ["an ArrayBuffer", new Uint8Array([1, 2, 3]).buffer, undefined],
    ["a Headers object", "hi", { headers: new Headers([["set-cookie", "a=1"], ["set-cookie", "b=2"]]) }],
    ["header pairs", "hi", { headers: [["x-a", "1"], ["x-a", "2"]] }],
    ["names differing only in case", "hi", { headers: { "X-A": "1", "x-a": "2" } }],
    ["a value with surrounding spaces", "hi", { headers: { "x-a": "  v  " } }],
    ["a numeric string status", "hi", { status: "201" as unknown as number }],
    ["a fractional status", "hi", { status: 200.5 }],
    ["a null statusText", "hi", { statusText: null as unknown as string }],
    ["URLSearchParams", new URLSearchParams("a=1&b=2"), undefined],
    ["a Blob", new Blob(["blob"], { type: "x/y" }), undefined],
    ["a stream", new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("streamed")), c.close()) }), undefined],
  ])("matches the platform class for %s", async (_name, body, init) => {
    const again = body instanceof ReadableStream ? new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("streamed")), c.close()) }) : body;
    expect(await described(light(body, init))).toEqual(await described(new PlatformResponse(again, init)));
  });

  it.each<[string, Init, string]>([
    ["a status below 200", { status: 99 }, "RangeError"],
    ["a status above 599", { status: 600 }, "RangeError"],
    ["a body with status 204", { status: 204 }, "TypeError"],
    ["an invalid header name", { headers: { "bad name": "x" } }, "TypeError"],
    ["a header value with a newline inside", { headers: { "x-a": "a\nb" } }, "TypeError"],
    ["a statusText with a newline", { statusText: "a\nb" }, "TypeError"],
    ["an init that is not an object", 5 as unknown as Init, "TypeError"],
    ["null headers", { headers: null as unknown as Record<string, string> }, "TypeError"],
    ["a null status", { status: null as unknown as number }, "RangeError"],
  ])("throws the platform's error for %s", (_name, init, errorName) => {
    expect(() => light("body", init)).toThrow(expect.objectContaining({ name: errorName }) as Error);
  });

  it("reads each init member once, as the platform does", () => {
    const reads: string[] = [];
    const init = {
      get headers() {
        reads.push("headers");
        return { "x-a": "1" };
      },
      get status() {
        reads.push("status");
        return "201" as unknown as number;
      },
      get statusText() {
        reads.push("statusText");
        return "Made";
      },
    };
    const response = light("x", init);
    expect(reads).toEqual(["headers", "status", "statusText"]);
    expect([response.status, response.statusText, response.headers.get("x-a")]).toEqual([201, "Made", "1"]);
  });

  it("takes a snapshot of a byte body: later changes to the array do not show", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const response = light(bytes);
    bytes[0] = 9;
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it("takes a snapshot of a Buffer body too", async () => {
    const buffer = Buffer.from("abc");
    const response = light(buffer);
    buffer[0] = 0x7a;
    expect(await response.text()).toBe("abc");
  });

  it("takes a snapshot of plain headers: later changes to the init object do not show", () => {
    const headers: Record<string, string> = { "x-a": "1" };
    const response = light("x", { headers });
    headers["x-a"] = "2";
    expect(response.headers.get("x-a")).toBe("1");
  });

  it("parses json() and refuses a second read as the platform does", async () => {
    const response = light('{"a":1}');
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ a: 1 });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it("offers bytes(), blob() and formData() through the platform", async () => {
    const bytes = await (light("ab") as Response & { bytes(): Promise<Uint8Array> }).bytes();
    expect([...bytes]).toEqual([97, 98]);
    expect((await light("ab", { headers: { "content-type": "x/y" } }).blob()).type).toBe("x/y");
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- formData() is part of the Response interface under test
    const form = await light("a=1", { headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
    expect(form.get("a")).toBe("1");
  });

  it("has a readable body stream for a string body and null for none", async () => {
    expect(light().body).toBeNull();
    expect(light(null, { status: 204 }).body).toBeNull();
    const text = await new Response(light("streamed").body).text();
    expect(text).toBe("streamed");
  });

  it("keeps header changes made before the body is read, on the same Headers object", async () => {
    const response = light("x");
    const headers = response.headers;
    headers.set("x-late", "1");
    await response.text();
    headers.set("x-later", "2");
    expect(response.headers).toBe(headers);
    expect(response.headers.get("x-later")).toBe("2");
  });

  it("clones an unread response into an independent equal one", async () => {
    const original = light("body", { status: 202, headers: { "x-a": "1" } });
    const copy = original.clone();
    copy.headers.set("x-a", "changed");
    expect(copy.status).toBe(202);
    expect(await copy.text()).toBe("body");
    expect(await original.text()).toBe("body");
    expect(original.headers.get("x-a")).toBe("1");
  });

  it("clones a response whose body stream was already taken out, keeping its status and headers", async () => {
    const original = light("body", { status: 203 });
    original.headers.set("x-b", "2");
    expect(original.body).not.toBeNull();
    const copy = original.clone();
    expect([copy.status, copy.headers.get("x-b")]).toEqual([203, "2"]);
    expect(await copy.text()).toBe("body");
    expect(await original.text()).toBe("body");
  });

  it("refuses to clone a response whose body was read", async () => {
    const response = light("x");
    await response.text();
    expect(() => response.clone()).toThrow(TypeError);
  });

  it("clones a response the platform built from the start", async () => {
    const original = light(new URLSearchParams("q=1"));
    const copy = original.clone();
    expect(copy).toBeInstanceOf(LightResponse);
    expect(await copy.text()).toBe("q=1");
    expect(await original.text()).toBe("q=1");
  });

  it("inherits Response.json, Response.redirect and Response.error from the platform", async () => {
    const json = Light.json({ a: 1 }, { status: 201 });
    expect(json).toBeInstanceOf(Light);
    expect([json.status, json.headers.get("content-type"), await json.json()]).toEqual([201, "application/json", { a: 1 }]);
    const redirect = Light.redirect("https://a.example/next", 307);
    expect([redirect.status, redirect.headers.get("location")]).toEqual([307, "https://a.example/next"]);
    expect(Light.error().type).toBe("error");
  });

  it("defines every member of the platform prototype", () => {
    for (const key of Reflect.ownKeys(PlatformResponse.prototype)) {
      expect(Object.hasOwn(LightResponse.prototype, key), String(key)).toBe(true);
    }
  });

  it("adds nothing of its own to the class and prototype users see as Response", () => {
    expect(Reflect.ownKeys(LightResponse).filter((key) => !["length", "name", "prototype"].includes(key as string))).toEqual([Symbol.hasInstance]);
    expect(Reflect.ownKeys(LightResponse.prototype).filter((key) => !Object.hasOwn(PlatformResponse.prototype, key))).toEqual([]);
  });

  it("lets its prototype members work on platform responses too", async () => {
    const platform = new PlatformResponse("plain", { status: 201 });
    const proto = LightResponse.prototype as unknown as Response;
    expect(Reflect.get(proto, "status", platform)).toBe(201);
    expect(await proto.text.call(platform)).toBe("plain");
  });

  it("shows its fields in util.inspect", () => {
    expect(inspect(light("x", { status: 201 }))).toMatch(/^Response \{[\s\S]*status: 201/);
  });

  it("stops offering plain parts once its body was handed to the platform", () => {
    const response = light("x");
    expect(plainResponseParts(response)).toEqual({ status: 200, headers: [["content-type", "text/plain;charset=UTF-8"]], body: "x" });
    expect(response.body).not.toBeNull();
    expect(plainResponseParts(response)).toBeUndefined();
    expect(plainResponseParts(new PlatformResponse("x"))).toBeUndefined();
    expect(plainResponseParts(null)).toBeUndefined();
  });

  it("offers header changes made through the headers getter in its plain parts", () => {
    const response = light("x", { headers: { "set-cookie": "a=1" } });
    response.headers.append("set-cookie", "b=2");
    expect(plainResponseParts(response)?.headers).toEqual([
      ["content-type", "text/plain;charset=UTF-8"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
  });
});

describe("installLightResponse", () => {
  it("replaces the global Response once, and leaves a global someone else installed later alone", async () => {
    const original = globalThis.Response;
    try {
      vi.resetModules();
      const fresh = await import("./light-response.js");
      fresh.installLightResponse();
      expect(globalThis.Response).toBe(fresh.LightResponse);
      expect(new Response("x")).toBeInstanceOf(fresh.LightResponse);

      globalThis.Response = original;
      vi.resetModules();
      const other = await import("./light-response.js");
      class Foreign extends original {}
      globalThis.Response = Foreign;
      other.installLightResponse();
      expect(globalThis.Response).toBe(Foreign);
    } finally {
      globalThis.Response = original;
    }
  });

  it("is what fromFetch calls: the module-level install is idempotent", () => {
    const original = globalThis.Response;
    try {
      installLightResponse();
      const first = globalThis.Response;
      installLightResponse();
      expect(globalThis.Response).toBe(first);
    } finally {
      globalThis.Response = original;
    }
  });
});
