import type { App } from "@sluice/core";
import { parseRequestTarget, ProtocolError } from "@sluice/core";
import { callApp, httpScope } from "./in-process.js";
import { rawRequest, rawRequestStreaming, type RawResponse } from "./http-client.js";
import { loadServer, startApp } from "./server.js";

/** Sends requests to one app and returns what came back. */
export interface TestClient {
  /** Sends `method target` with extra header lines; the target is written to the wire verbatim. */
  request(target: string, init?: { method?: string; headers?: Record<string, string> }): Promise<RawResponse>;
  /** Sends a GET and passes body bytes to `onBody` as they arrive (nothing is kept). */
  requestStreaming(target: string, onBody: (chunk: Buffer) => void): Promise<RawResponse>;
  close(): Promise<void>;
}

/** The first value of header `name` in a response, or undefined. */
export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([key]) => key === name)?.[1];
}

/** The lowercased names of every header in a response. */
export function headerNames(response: RawResponse): string[] {
  return response.headers.map(([name]) => name);
}

const serverBuilt = (await loadServer()) !== undefined;

/** Whether tests run over real sockets (once @sluice/server is built) or in-process. */
export const overSockets = serverBuilt && process.env["SLUICE_STATIC_IN_PROCESS"] !== "1";

/**
 * Starts `app` behind `@sluice/server` on an ephemeral port and talks to it over raw TCP.
 * Until the server package is built, falls back to calling the app in-process with a scope
 * built the way the server builds it (same core path parser; malformed paths → 400).
 */
export async function startClient(app: App): Promise<TestClient> {
  if (overSockets) {
    const running = await startApp(app);
    return {
      request: (target, init = {}) =>
        rawRequest(
          running.port,
          `${init.method ?? "GET"} ${target} HTTP/1.1`,
          Object.entries(init.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        ),
      requestStreaming: (target, onBody) => rawRequestStreaming(running.port, `GET ${target} HTTP/1.1`, onBody),
      close: () => running.close(),
    };
  }
  return {
    async request(target, init = {}) {
      let parts;
      try {
        parts = parseRequestTarget(target);
      } catch (error) {
        if (error instanceof ProtocolError) return { status: 400, headers: [], body: Buffer.alloc(0) };
        throw error;
      }
      const headers = Object.entries(init.headers ?? {}).map(([name, value]): [string, string] => [name.toLowerCase(), value]);
      const result = await callApp(app, httpScope({ ...parts, method: init.method ?? "GET", headers: [["host", "127.0.0.1"], ...headers] }));
      if (result.status === undefined) throw new Error("app sent no response");
      const body = init.method === "HEAD" ? Buffer.alloc(0) : result.body;
      return { status: result.status, headers: result.headers.map(([name, value]) => [name.toLowerCase(), value]), body };
    },
    async requestStreaming(target, onBody) {
      const { path, raw_path, query_string } = parseRequestTarget(target);
      let status = 0;
      let headers: Array<[string, string]> = [];
      await app(
        httpScope({ path, raw_path, query_string, headers: [["host", "127.0.0.1"]] }),
        () => Promise.resolve({ type: "http.request", body: new Uint8Array(0), more_body: false }),
        (event) => {
          if (event.type === "http.response.start") {
            status = event.status;
            headers = (event.headers ?? []).map(([name, value]) => [name.toLowerCase(), value]);
          } else if (event.type === "http.response.body" && event.body !== undefined) {
            onBody(Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength));
          }
          return Promise.resolve();
        },
      );
      return { status, headers, body: Buffer.alloc(0) };
    },
    close: () => Promise.resolve(),
  };
}
