import type { Headers, HTTPSend } from "@sluice/core";
import { reasonPhrase } from "@sluice/core";

/**
 * Sends a complete response with a short plain-text body (the reason phrase), or none for
 * HEAD requests and 304s.
 */
export async function sendSimpleResponse(send: HTTPSend, status: number, headers: Headers, withBody: boolean): Promise<void> {
  if (status === 304) {
    await send({ type: "http.response.start", status, headers });
    await send({ type: "http.response.body", body: new Uint8Array(0), more_body: false });
    return;
  }
  const body = Buffer.from(`${reasonPhrase(status)}\n`, "latin1");
  await send({
    type: "http.response.start",
    status,
    headers: [...headers, ["content-type", "text/plain; charset=utf-8"], ["content-length", String(body.length)]],
  });
  await send({ type: "http.response.body", body: withBody ? body : new Uint8Array(0), more_body: false });
}
