import { sendTextBody, type Headers, type HTTPSend } from "@sluice/core";

/** Sends a complete JSON response (the body through `sendTextBody`, so the server can write the string as is). */
export async function sendJson(send: HTTPSend, status: number, data: unknown, headers: Headers = []): Promise<void> {
  await send({ type: "http.response.start", status, headers: [["content-type", "application/json"], ...headers] });
  await sendTextBody(send, JSON.stringify(data));
}
