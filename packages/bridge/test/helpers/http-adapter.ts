// A deliberately small node:http front for an async app, so the bridge can be tested on real
// sockets without depending on @sluice/server (which depends on this package): receive() pulls
// from the request stream, send() writes and waits for 'drain'.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ClientDisconnected, type App, type HTTPReceiveEvent, type HTTPScope, type HTTPSendEvent, type Headers } from "@sluice/core";

export interface RunningAdapter {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function serveApp(app: App): Promise<RunningAdapter> {
  const server = createServer((req, res) => void handle(app, req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

async function handle(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://placeholder");
  const headers: Headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([(req.rawHeaders[i] ?? "").toLowerCase(), req.rawHeaders[i + 1] ?? ""]);
  const scope: HTTPScope = {
    type: "http",
    asgi: { version: "3.0", spec_version: "2.5" },
    http_version: "1.1",
    method: req.method ?? "GET",
    scheme: "http",
    path: decodeURIComponent(url.pathname),
    raw_path: url.pathname,
    query_string: url.search.slice(1),
    root_path: "",
    headers,
    client: [req.socket.remoteAddress ?? "", req.socket.remotePort ?? 0],
    server: [req.socket.localAddress ?? "", req.socket.localPort ?? 0],
  };
  const state = { gone: false };
  res.on("close", () => {
    if (!res.writableFinished) state.gone = true;
  });
  const body = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let bodyDone = false;
  const receive = async (): Promise<HTTPReceiveEvent> => {
    if (bodyDone || state.gone) {
      if (!state.gone) await once(res, "close");
      return { type: "http.disconnect" };
    }
    try {
      const next = await body.next();
      if (next.done === true) {
        bodyDone = true;
        return { type: "http.request", body: new Uint8Array(0), more_body: false };
      }
      return { type: "http.request", body: next.value, more_body: true };
    } catch {
      state.gone = true;
      return { type: "http.disconnect" };
    }
  };
  const send = async (event: HTTPSendEvent): Promise<void> => {
    if (state.gone) throw new ClientDisconnected();
    if (event.type === "http.response.start") {
      res.writeHead(event.status, (event.headers ?? []).flat());
    } else if (event.type === "http.response.body") {
      if (event.body !== undefined && event.body.length > 0 && !res.write(event.body)) {
        await drainOrClose(res);
        if (res.destroyed && !res.writableFinished) throw new ClientDisconnected();
      }
      if (event.more_body !== true) res.end();
    }
  };
  try {
    await app(scope, receive, send as never);
  } catch {
    res.destroy();
  }
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
