// Small apps shared by the TestClient tests.
import type { App, HTTPReceive, HTTPSend, Headers } from "@sluice/core";

export const encoder = new TextEncoder();

/** Reads the whole request body. */
export async function readBody(receive: HTTPReceive): Promise<{ body: Uint8Array; chunks: number }> {
  const parts: Uint8Array[] = [];
  let chunks = 0;
  for (;;) {
    const event = await receive();
    if (event.type === "http.disconnect") throw new Error("client disconnected");
    chunks++;
    parts.push(event.body);
    if (!event.more_body) return { body: Buffer.concat(parts), chunks };
  }
}

/** Sends one complete response. */
export async function respond(send: HTTPSend, status: number, body: string | Uint8Array, headers: Headers = []): Promise<void> {
  await send({ type: "http.response.start", status, headers });
  await send({ type: "http.response.body", body: typeof body === "string" ? encoder.encode(body) : body });
}

/** An app that answers every request with a JSON description of its scope and body. */
export const echoApp: App = async (scope, receive, send) => {
  if (scope.type !== "http") return;
  const { body, chunks } = await readBody(receive as HTTPReceive);
  const description = {
    method: scope.method,
    path: scope.path,
    raw_path: scope.raw_path,
    query_string: scope.query_string,
    root_path: scope.root_path,
    scheme: scope.scheme,
    headers: scope.headers,
    client: scope.client,
    server: scope.server,
    state: scope.state ?? null,
    body: Buffer.from(body).toString("latin1"),
    chunks,
  };
  await respond(send, 200, JSON.stringify(description), [["content-type", "application/json"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
};
