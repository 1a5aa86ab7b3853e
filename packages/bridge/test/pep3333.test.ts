// PEP 3333 duties of the worker-pool bridge, one by one, against sync apps checked by core's
// validateSyncApp (which throws, and so answers 500, when the bridge breaks a server-side rule).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolError } from "@sluice/core";
import { workerPoolApp, type PooledApp } from "../src/index.js";
import { callApp, fixture, nextProbe, type RequestSpec } from "./helpers/app-client.js";

const errors: Error[] = [];
const logged: string[] = [];
let validated: PooledApp;
let raw: PooledApp;

beforeAll(async () => {
  const common = { module: fixture("sync-apps.mjs"), workers: 1, onError: (error: Error) => errors.push(error), errorLog: (text: string) => logged.push(text) };
  validated = workerPoolApp({ ...common, exportName: "validated" });
  raw = workerPoolApp({ ...common, exportName: "raw" });
  await Promise.all([validated.ready(), raw.ready()]);
});
afterAll(async () => {
  await Promise.all([validated.close(), raw.close()]);
});

const run = (app: PooledApp, name: string, spec: RequestSpec = {}) =>
  callApp(app, { ...spec, headers: [["x-app", name], ...(spec.headers ?? [])] });

async function environFor(spec: RequestSpec): Promise<Record<string, unknown>> {
  const outcome = await run(validated, "environEcho", spec);
  expect(outcome.status, outcome.body.toString()).toBe(200);
  return JSON.parse(outcome.body.toString()) as Record<string, unknown>;
}

function lastError(): Error {
  const error = errors.at(-1);
  if (error === undefined) throw new Error("no error was reported");
  return error;
}

describe("environ", () => {
  it("sets SCRIPT_NAME to root_path and PATH_INFO to the rest, as latin-1 strings of UTF-8 bytes", async () => {
    const environ = await environFor({ rootPath: "/mount", path: "/mount/café x" });
    expect(environ["SCRIPT_NAME"]).toBe("/mount");
    expect(environ["PATH_INFO"]).toBe("/caf\u00c3\u00a9 x");
  });

  it("passes the raw query string as QUERY_STRING and an empty string when there is none", async () => {
    expect((await environFor({ query: "a=1&b=%20c" }))["QUERY_STRING"]).toBe("a=1&b=%20c");
    expect((await environFor({}))["QUERY_STRING"]).toBe("");
  });

  it("gives CONTENT_TYPE and CONTENT_LENGTH only when the request has them, never as HTTP_ keys", async () => {
    const withBody = await environFor({ method: "POST", headers: [["content-type", "text/plain"], ["content-length", "3"]], body: "abc" });
    expect(withBody["CONTENT_TYPE"]).toBe("text/plain");
    expect(withBody["CONTENT_LENGTH"]).toBe("3");
    expect(withBody).not.toHaveProperty("HTTP_CONTENT_TYPE");
    expect(withBody).not.toHaveProperty("HTTP_CONTENT_LENGTH");
    const without = await environFor({});
    expect(without).not.toHaveProperty("CONTENT_TYPE");
    expect(without).not.toHaveProperty("CONTENT_LENGTH");
  });

  it("joins repeated headers with a comma, and repeated cookies with a semicolon", async () => {
    const environ = await environFor({
      headers: [["accept", "text/html"], ["cookie", "a=1"], ["accept", "application/json"], ["cookie", "b=2"], ["x-trace-id", "t1"]],
    });
    expect(environ["HTTP_ACCEPT"]).toBe("text/html, application/json");
    expect(environ["HTTP_COOKIE"]).toBe("a=1; b=2");
    expect(environ["HTTP_X_TRACE_ID"]).toBe("t1");
  });

  it("drops headers whose names contain an underscore, so they cannot pose as dashed ones", async () => {
    const environ = await environFor({ headers: [["x_forwarded_for", "6.6.6.6"], ["x-forwarded-for", "1.2.3.4"]] });
    expect(environ["HTTP_X_FORWARDED_FOR"]).toBe("1.2.3.4");
  });

  it("fills SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL, REMOTE_ADDR and REMOTE_PORT from the scope", async () => {
    const environ = await environFor({});
    expect(environ).toMatchObject({
      REQUEST_METHOD: "GET",
      SERVER_NAME: "127.0.0.1",
      SERVER_PORT: "8000",
      SERVER_PROTOCOL: "HTTP/1.1",
      REMOTE_ADDR: "10.1.2.3",
      REMOTE_PORT: "50123",
    });
  });

  it("sets the wsgi.* keys", async () => {
    const environ = await environFor({});
    expect(environ).toMatchObject({
      "wsgi.version": [1, 0],
      "wsgi.url_scheme": "http",
      "wsgi.multithread": false,
      "wsgi.multiprocess": false,
      "wsgi.run_once": false,
      "wsgi.input_terminated": true,
      "wsgi.input": "object",
      "wsgi.errors": "object",
      "wsgi.file_wrapper": "function",
    });
  });

  it("reports wsgi.multiprocess true when several workers run the app", async () => {
    const pair = workerPoolApp({ module: fixture("sync-apps.mjs"), exportName: "environEcho", workers: 2 });
    try {
      const outcome = await callApp(pair);
      expect(JSON.parse(outcome.body.toString())).toMatchObject({ "wsgi.multiprocess": true });
    } finally {
      await pair.close();
    }
  });
});

describe("wsgi.input", () => {
  const body = () => Readable.from([Buffer.from("li"), Buffer.from("ne one\nline"), Buffer.from(" two\nend")]);
  const headers: RequestSpec["headers"] = [["content-length", "22"]];
  const ops = async (op: string) => {
    const outcome = await run(validated, "inputOps", { method: "POST", query: `op=${op}`, headers, body: body() });
    expect(outcome.status, outcome.body.toString()).toBe(200);
    return JSON.parse(outcome.body.toString()) as string[];
  };

  it("read() returns the whole body, then an empty result", async () => {
    expect(await ops("read")).toEqual(["line one\nline two\nend", ""]);
  });

  it("read(size) returns at most size bytes across chunk boundaries", async () => {
    expect(await ops("read-sized")).toEqual(["line ", "one\nl", "ine two\nend", ""]);
  });

  it("readline() stops after each newline and honours a size limit", async () => {
    expect(await ops("readline")).toEqual(["line one\n", "lin", "e two\n", "end"]);
  });

  it("readlines() returns every line", async () => {
    expect(await ops("readlines")).toEqual(["line one\n", "line two\n", "end"]);
  });

  it("iterating the input yields its lines", async () => {
    expect(await ops("iterate")).toEqual(["line one\n", "line two\n", "end"]);
  });

  it("never reads past Content-Length", async () => {
    const outcome = await run(validated, "inputOps", { method: "POST", query: "op=read", headers: [["content-length", "4"]], body: "line and more" });
    expect(JSON.parse(outcome.body.toString())).toEqual(["line", ""]);
  });

  it("reads to the end of a body without Content-Length (wsgi.input_terminated)", async () => {
    const outcome = await run(validated, "inputOps", { method: "POST", query: "op=read", body: body() });
    expect(JSON.parse(outcome.body.toString())).toEqual(["line one\nline two\nend", ""]);
  });
});

describe("startResponse, write() and errors", () => {
  it("answers 500 when startResponse is called twice without excInfo", async () => {
    const outcome = await run(raw, "startTwice");
    expect(outcome.status).toBe(500);
    expect(lastError()).toMatchObject({ name: "ProtocolError", code: "ERR_PROTOCOL" });
    expect(lastError().message).toContain("[rule: start-response-twice]");
  });

  it("lets startResponse with excInfo replace the status and headers before any byte is sent", async () => {
    const outcome = await run(validated, "excInfoBeforeHead");
    expect(outcome.status).toBe(503);
    expect(outcome.headers).toEqual([["content-type", "text/plain"], ["retry-after", "5"]]);
    expect(outcome.body.toString()).toBe("handled: lookup failed");
  });

  it("re-raises excInfo once headers were sent, which truncates the response", async () => {
    const outcome = await run(validated, "excInfoAfterHead");
    expect(outcome.status).toBe(200);
    expect(outcome.body.toString()).toBe("partial");
    expect(outcome.error).toMatchObject({ name: "RangeError", message: "late failure" });
    expect(outcome.events.at(-1)).toMatchObject({ type: "http.response.body", more_body: true });
  });

  it("sends bytes given to write() before the returned iterable's chunks", async () => {
    const outcome = await run(validated, "writer");
    expect(outcome.body.toString()).toBe("written twice returned");
    const bodies = outcome.events.filter((event) => event.type === "http.response.body").filter((event) => (event.body?.length ?? 0) > 0);
    expect(bodies.map((event) => Buffer.from(event.body ?? []).toString())).toEqual(["written ", "twice ", "returned"]);
  });

  it("answers 500 and reports the error when the app throws before starting the response", async () => {
    const outcome = await run(validated, "throwBeforeStart");
    expect(outcome.status).toBe(500);
    expect(outcome.body.toString()).toBe("Internal Server Error\n");
    expect(lastError()).toMatchObject({ name: "TypeError", message: "broken before start" });
    expect(lastError().stack).toContain("sync-apps.mjs");
  });

  it("still answers 500 when only empty chunks came before the error", async () => {
    const outcome = await run(validated, "emptyChunkThenThrow");
    expect(outcome.status).toBe(500);
    expect(lastError().message).toBe("failed before any byte");
  });

  it("truncates the response (the app promise rejects) when the app throws after bytes were sent", async () => {
    const outcome = await run(validated, "closeProbe", { query: "tag=t-err&mode=error" });
    expect(outcome.status).toBe(200);
    expect(outcome.body.toString()).toBe("first ");
    expect(outcome.error).toMatchObject({ message: "failed mid-stream" });
  });

  const badApps: Array<[string, string]> = [
    ["badStatus", "status-line"],
    ["stringChunk", "response-chunk-type"],
    ["hopByHopHeader", "header-hop-by-hop"],
    ["statusHeader", "header-name-status"],
    ["nonLatin1Header", "headers-byte-string"],
    ["controlCharHeader", "header-value-chars"],
    ["noStartResponse", "start-response-missing"],
    ["notIterable", "response-iterable"],
    ["loneBytes", "response-iterable"],
  ];
  for (const [name, rule] of badApps) {
    it(`answers 500 with a ProtocolError naming rule ${rule} for the ${name} app`, async () => {
      const outcome = await run(raw, name);
      expect(outcome.status).toBe(500);
      expect(lastError().name).toBe(ProtocolError.name);
      expect(lastError().message).toContain(`[rule: ${rule}]`);
    });
  }

  it("hands text written to wsgi.errors to the error log", async () => {
    const outcome = await run(validated, "logToErrors");
    expect(outcome.status).toBe(204);
    expect(logged.join("")).toContain("cache miss\na\nb\n");
  });
});

describe("wsgi.file_wrapper", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-bridge-"));
  const path = join(dir, "data.txt");
  writeFileSync(path, "0123456789");

  it("streams the file in blocks of the given size and closes it", async () => {
    const closed = nextProbe<{ tag: string }>((message) => message.tag === "file");
    const outcome = await run(validated, "fileWrap", { query: `path=${encodeURIComponent(path)}&block=4` });
    expect(outcome.body.toString()).toBe("0123456789");
    const bodies = outcome.events.filter((event) => event.type === "http.response.body");
    expect(bodies.map((event) => event.body?.length ?? 0)).toEqual([4, 4, 2, 0]);
    await closed.message;
  });

  it("uses http.response.pathsend for a file with an absolute path when the server offers it", async () => {
    const closed = nextProbe<{ tag: string }>((message) => message.tag === "file");
    const outcome = await run(raw, "fileWrap", { query: `path=${encodeURIComponent(path)}`, extensions: { "http.response.pathsend": {} } });
    expect(outcome.events).toEqual([
      { type: "http.response.start", status: 200, headers: [["content-type", "text/plain"]] },
      { type: "http.response.pathsend", path },
    ]);
    await closed.message;
  });

  it("streams through the worker when the file has only a descriptor, even with pathsend offered", async () => {
    const outcome = await run(raw, "fileWrap", { query: `path=${encodeURIComponent(path)}&fdOnly=1`, extensions: { "http.response.pathsend": {} } });
    expect(outcome.body.toString()).toBe("0123456789");
    expect(outcome.events.some((event) => event.type === "http.response.pathsend")).toBe(false);
  });
});

describe("validateSyncApp", () => {
  it("finds no server-side violation and every response closed after the requests above", async () => {
    const outcome = await run(validated, "assert-closed");
    expect(outcome.body.toString(), errors.at(-1)?.message).toBe("all closed");
  });
});
