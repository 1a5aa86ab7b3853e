import { ClientDisconnected } from "@sluice/core";
import type { App, Headers, HTTPReceive, HTTPScope, HTTPSend, Receive, Scope } from "@sluice/core";
import { deferred, type Deferred } from "../../internal/deferred.js";

export { deferred, type Deferred };

export const encoder = new TextEncoder();

/** Sends a complete response with a text body. */
export async function respondText(send: HTTPSend, status: number, text: string, headers: Headers = []): Promise<void> {
  const body = encoder.encode(text);
  await send({ type: "http.response.start", status, headers: [["content-type", "text/plain"], ["content-length", String(body.byteLength)], ...headers] });
  await send({ type: "http.response.body", body });
}

/** Reads the request body to its end; returns the bytes and how many events carried it. */
export async function drainBody(receive: Receive): Promise<{ body: Buffer; events: number; disconnected: boolean }> {
  const parts: Uint8Array[] = [];
  let events = 0;
  for (;;) {
    const event = await (receive as HTTPReceive)();
    if (event.type === "http.disconnect") return { body: Buffer.concat(parts), events, disconnected: true };
    events++;
    parts.push(event.body);
    if (!event.more_body) return { body: Buffer.concat(parts), events, disconnected: false };
  }
}

/** An app that records each HTTP scope, reads the body and answers `200 ok`. */
export function scopeRecorder(): { app: App; scope: Deferred<HTTPScope> } {
  const scope = deferred<HTTPScope>();
  const app: App = async (received, receive, send) => {
    if (received.type !== "http") return;
    scope.resolve(received);
    await drainBody(receive);
    await respondText(send, 200, "ok");
  };
  return { app, scope };
}

/** Whether `error` is the `ClientDisconnected` a server's `send()` must reject with after disconnect. */
export function isClientDisconnected(error: unknown): boolean {
  return error instanceof ClientDisconnected || (error instanceof Error && "code" in error && error.code === "ERR_CLIENT_DISCONNECTED");
}

/** Describes a thrown value for a failure reason. */
export function describeError(error: unknown): string {
  if (error === undefined) return "nothing (it resolved)";
  if (error instanceof Error) return `${error.name}${"code" in error ? ` (${String(error.code)})` : ""}: ${error.message}`;
  return typeof error === "string" ? error : JSON.stringify(error);
}

/** Narrows a scope passed to an app written for the checks. */
export function httpOnly(handler: (scope: HTTPScope, receive: Receive, send: HTTPSend) => Promise<void>): App {
  return async (scope: Scope, receive, send) => {
    if (scope.type === "http") await handler(scope, receive, send);
  };
}

/** `Host` header for a target URL. */
export function hostOf(url: string): string {
  return new URL(url).host;
}
