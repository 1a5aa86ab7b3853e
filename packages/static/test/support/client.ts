import type { App } from "@sluice/core";
import { rawRequest, rawRequestStreaming, type RawResponse } from "./http-client.js";
import { startApp } from "./server.js";

/** Sends requests to one app served on a real socket and returns what came back. */
export interface TestClient {
  /** Sends `method target` with extra header lines; the target is written to the wire verbatim. */
  request(target: string, init?: { method?: string; headers?: Record<string, string> }): Promise<RawResponse>;
  /** Sends a GET and passes body bytes to `onBody` as they arrive (nothing is kept). */
  requestStreaming(target: string, onBody: (chunk: Buffer) => void, headers?: Record<string, string>): Promise<RawResponse>;
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

/**
 * Starts `app` behind `@sluice/server` on 127.0.0.1 and an ephemeral port; requests go over
 * raw TCP so the request target reaches the server exactly as written.
 */
export async function startClient(app: App): Promise<TestClient> {
  const running = await startApp(app);
  return {
    request: (target, init = {}) =>
      rawRequest(
        running.port,
        `${init.method ?? "GET"} ${target} HTTP/1.1`,
        Object.entries(init.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ),
    requestStreaming: (target, onBody, headers = {}) =>
      rawRequestStreaming(
        running.port,
        `GET ${target} HTTP/1.1`,
        Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        onBody,
      ),
    close: () => running.close(),
  };
}
