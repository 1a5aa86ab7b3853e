// TEMPORARY: a minimal node:http adapter used until @sluice/server's `serve` is built.
// Tests call `listen(app)`; switching to `serve` only changes this file.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { App, Headers, HTTPScope, ReceiveEvent, SendEvent } from "@sluice/core";

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

function scopeOf(req: IncomingMessage): HTTPScope {
  const target = req.url ?? "/";
  const query = target.indexOf("?");
  const rawPath = query === -1 ? target : target.slice(0, query);
  const headers: Headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
  }
  return {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.5" },
    http_version: "1.1",
    method: req.method ?? "GET",
    scheme: "http",
    path: decodeURIComponent(rawPath),
    raw_path: rawPath,
    query_string: query === -1 ? "" : target.slice(query + 1),
    root_path: "",
    headers,
    client: [req.socket.remoteAddress ?? "", req.socket.remotePort ?? 0],
    server: [req.socket.localAddress ?? "", req.socket.localPort ?? 0],
  };
}

async function handle(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks = req[Symbol.asyncIterator]();
  let done = false;
  const receive = async (): Promise<ReceiveEvent> => {
    if (done) return { type: "http.disconnect" };
    const next = (await chunks.next()) as IteratorResult<Buffer>;
    if (next.done === true) {
      done = true;
      return { type: "http.request", body: new Uint8Array(0), more_body: false };
    }
    return { type: "http.request", body: next.value, more_body: true };
  };
  const send = async (event: SendEvent): Promise<void> => {
    if (event.type === "http.response.start") {
      res.statusCode = event.status;
      const grouped = new Map<string, string[]>();
      for (const [name, value] of event.headers ?? []) grouped.set(name, [...(grouped.get(name) ?? []), value]);
      for (const [name, list] of grouped) res.setHeader(name, list);
    } else if (event.type === "http.response.body") {
      const body = event.body ?? new Uint8Array(0);
      if (event.more_body === true) await new Promise<void>((resolve) => res.write(body, () => resolve()));
      else await new Promise<void>((resolve) => res.end(body, () => resolve()));
    }
  };
  await app(scopeOf(req), receive, send);
}

export async function listen(app: App): Promise<Listening> {
  const server = createServer((req, res) => {
    handle(app, req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
