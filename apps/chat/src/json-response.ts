import type { Headers, HTTPSend } from "@sluice/core";

/** Sends a complete JSON response. */
export async function sendJson(send: HTTPSend, status: number, data: unknown, headers: Headers = []): Promise<void> {
  await send({ type: "http.response.start", status, headers: [["content-type", "application/json"], ...headers] });
  await send({ type: "http.response.body", body: new TextEncoder().encode(JSON.stringify(data)) });
}
