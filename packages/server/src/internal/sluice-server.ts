import { readFileSync } from "node:fs";
import { lstat, unlink, chmod } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import { Server as NetServer, type AddressInfo, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Address, App, Headers, HTTPScope, ScopeExtensions } from "@sluice/core";
import { ASGI_SPEC_VERSION, ASGI_VERSION, headersFromRawHeaders, parseRequestTarget, utf8ToLatin1 } from "@sluice/core";
import { InvalidServerOption } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ResolvedOptions } from "../options.js";
import type { CycleOwner } from "./http-cycle.js";
import { HttpCycle, releaseNewestBodyChunk } from "./http-cycle.js";
import { LifespanRunner } from "./lifespan.js";
import { readForwardedFacts } from "./proxy-headers.js";
import { ServerLog } from "./server-log.js";
import { tlsExtensionFor } from "./tls-info.js";
import { TrustedPeers } from "./trusted-peers.js";
import type { WebSocketHandler } from "./websocket-glue.js";
import { createUpgradeHandler } from "./websocket-glue.js";

const ASGI_INFO = Object.freeze({ version: ASGI_VERSION, spec_version: ASGI_SPEC_VERSION });
const SUPPORTED = Object.freeze({}) as Record<string, never>;
const kClient = Symbol("sluice.client");
const kServer = Symbol("sluice.server");
type AddressCache = Socket & { [kClient]?: Address | null; [kServer]?: Address | null };

/** The running state of one server instance (see `serve`). */
export class SluiceServer implements CycleOwner {
  readonly log: ServerLog;
  readonly limitRequestBody: number | null;
  readonly timeoutBodyMs: number | null;
  readonly timeoutSendMs: number | null;
  closing = false;
  readonly httpServer: http.Server;
  /** Resolves when the server has fully shut down (for any reason). */
  readonly closed: Promise<void>;

  private readonly lifespan: LifespanRunner;
  private readonly trusted: TrustedPeers | null;
  private readonly tls: boolean;
  private readonly serverCertPem: string | null;
  private readonly rawRootPath: string;
  private wsHandler: WebSocketHandler | null = null;
  private active = 0;
  private requests = 0;
  private resolveClosed!: () => void;
  private closePromise: Promise<void> | null = null;
  private idleSweepScheduled = false;
  /**
   * Set by `retire()`: idle keep-alive connections are left for the peer (or the keep-alive
   * timeout) to close, never closed by this server before the graceful-shutdown deadline.
   */
  private retiring = false;
  private forced = false;
  private whenIdle: (() => void) | null = null;

  /**
   * Called instead of shutting down when `limitMaxRequests` is reached, if set. A supervised
   * worker uses it to ask for a replacement first and keeps serving until told to stop.
   */
  onRequestLimit: (() => void) | null = null;

  constructor(
    private readonly app: App,
    readonly options: ResolvedOptions,
    logger: Logger,
  ) {
    this.log = new ServerLog(logger, options.logLevel, options.accessLog);
    this.limitRequestBody = options.limitRequestBody;
    this.timeoutBodyMs = options.timeoutBody === null ? null : Math.min(2 ** 31 - 1, Math.max(1, Math.round(options.timeoutBody * 1000)));
    this.timeoutSendMs = options.timeoutSend === null ? null : Math.min(2 ** 31 - 1, Math.max(1, Math.round(options.timeoutSend * 1000)));
    this.lifespan = new LifespanRunner(app, options.lifespan, this.log);
    this.trusted = options.proxyHeaders ? new TrustedPeers(options.forwardedAllowIps) : null;
    this.rawRootPath = utf8ToLatin1(options.rootPath);
    this.closed = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    const serverOptions: http.ServerOptions = {
      maxHeaderSize: options.maxHeaderSize,
      requestTimeout: 0,
      headersTimeout: Math.max(1, Math.round(options.timeoutHeaders * 1000)),
      keepAliveTimeout: Math.round(options.timeoutKeepAlive * 1000),
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.round((options.timeoutHeaders * 1000) / 4))),
      insecureHTTPParser: false,
      noDelay: true,
      // Request bodies are pulled by receive(): buffer up to one socket read (64 KiB) per
      // request, so a large upload arrives in a few big chunks instead of many 16 KiB ones.
      highWaterMark: 64 * 1024,
    };
    if (options.sslKeyfile !== undefined && options.sslCertfile !== undefined) {
      const cert = readOptionFile("sslCertfile", options.sslCertfile);
      const tlsOptions: https.ServerOptions = {
        ...serverOptions,
        key: readOptionFile("sslKeyfile", options.sslKeyfile),
        cert,
        requestCert: options.sslCertReqs > 0,
        rejectUnauthorized: options.sslCertReqs === 2,
      };
      if (options.sslKeyfilePassword !== undefined) tlsOptions.passphrase = options.sslKeyfilePassword;
      if (options.sslCaCerts !== undefined) tlsOptions.ca = readOptionFile("sslCaCerts", options.sslCaCerts);
      this.httpServer = https.createServer(tlsOptions);
      this.tls = true;
      this.serverCertPem = cert.toString("latin1");
    } else {
      this.httpServer = http.createServer(serverOptions);
      this.tls = false;
      this.serverCertPem = null;
    }
    const server = this.httpServer;
    server.keepAliveTimeout = Math.round(options.timeoutKeepAlive * 1000);
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      try {
        this.handleRequest(req, res, false);
      } catch (error) {
        this.internalError(req.socket, error);
      }
    });
    server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
      try {
        this.handleRequest(req, res, true);
      } catch (error) {
        this.internalError(req.socket, error);
      }
    });
  }

  /** Runs lifespan startup, then binds. Rejects with `LifespanStartupFailed` or a listen error. */
  async start(): Promise<void> {
    if (this.options.ws) await this.setUpWebSocket();
    await this.lifespan.startup();
    try {
      await this.listen();
    } catch (error) {
      await this.lifespan.shutdown();
      throw error;
    }
    this.log.info(`Sluice running on ${this.url()} (Press CTRL+C to quit)`);
  }

  private async setUpWebSocket(): Promise<void> {
    const o = this.options;
    this.wsHandler = await createUpgradeHandler(this.app, {
      maxSize: o.wsMaxSize,
      pingInterval: Math.round(o.wsPingInterval * 1000),
      pingTimeout: Math.round(o.wsPingTimeout * 1000),
      perMessageDeflate: o.wsPerMessageDeflate,
      closeTimeout: o.timeoutGracefulShutdown === null ? 2 ** 31 - 1 : Math.round(o.timeoutGracefulShutdown * 1000),
      logger: {
        error: (message, error) => this.log.error(message, error),
        warn: (message) => this.log.warning(message),
      },
    });
    this.httpServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        this.handleUpgrade(req, socket, head);
      } catch (error) {
        this.internalError(socket, error);
      }
    });
  }

  private async listen(): Promise<void> {
    const server = this.httpServer;
    const o = this.options;
    if (o.uds !== undefined) await removeStaleSocket(o.uds);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(error);
      };
      server.once("error", onError);
      const done = (): void => {
        server.off("error", onError);
        resolve();
      };
      if (o.fd !== undefined) server.listen({ fd: o.fd }, done);
      else if (o.uds !== undefined) server.listen(o.uds, done);
      else server.listen(o.port, o.host, done);
    });
    if (o.uds !== undefined) await chmod(o.uds, 0o666).catch(() => undefined);
    server.on("error", (error) => {
      this.log.error("server error", error);
    });
  }

  /** The bound address as a URL (`http://127.0.0.1:8000`, `http+unix://%2Ftmp%2Fs.sock`). */
  url(): string {
    const scheme = this.tls ? "https" : "http";
    const address = this.httpServer.address();
    if (typeof address === "string") return `${scheme}+unix://${encodeURIComponent(address)}`;
    if (address === null) return `${scheme}://${this.options.host}:${this.options.port}`;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `${scheme}://${host}:${address.port}`;
  }

  /** The bound TCP address, or `undefined` on a unix socket. */
  address(): AddressInfo | undefined {
    const address = this.httpServer.address();
    return address === null || typeof address === "string" ? undefined : address;
  }

  // ------------------------------------------------------------------ requests

  private handleRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    const o = this.options;
    if (req.httpVersionMajor !== 1) {
      if (req.httpVersionMajor === 0) this.refuse(req, res, 400, "Bad Request: the request line must end with HTTP/1.0 or HTTP/1.1\n");
      else this.refuse(req, res, 505, "HTTP Version Not Supported\n");
      return;
    }
    if (o.limitConcurrency !== null && this.active + (this.wsHandler?.size ?? 0) >= o.limitConcurrency) {
      this.refuse(req, res, 503, "Service Unavailable\n");
      return;
    }
    let parts;
    try {
      parts = parseRequestTarget(req.url ?? "/");
    } catch (error) {
      this.log.debug(`rejecting ${req.method ?? ""} ${req.url ?? ""}: ${(error as Error).message}`);
      this.refuse(req, res, 400, "Bad Request: invalid percent-encoding in the request path\n");
      return;
    }
    const headers = headersFromRawHeaders(req.rawHeaders);
    let trailersAllowed = false;
    let contentLength = -1;
    let chunked = false;
    let forwarded = false;
    for (let i = 0; i < headers.length; i++) {
      const header = headers[i] as [string, string];
      const name = header[0];
      const first = name.charCodeAt(0);
      if (first === 0x74 /* t */ && name === "te") {
        if (/(?:^|,)\s*trailers\s*(?:;|,|$)/i.test(header[1])) trailersAllowed = true;
      } else if (first === 0x63 /* c */ && name === "content-length") {
        contentLength = Number(header[1]);
      } else if (first === 0x74 /* t */ && name === "transfer-encoding") {
        chunked = true;
      } else if ((first === 0x78 /* x */ && name.startsWith("x-forwarded-")) || (first === 0x66 /* f */ && name === "forwarded")) {
        forwarded = true;
      }
    }
    // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 6.3).
    if (contentLength === -1 && !chunked) contentLength = 0;
    if (this.limitRequestBody !== null && contentLength > this.limitRequestBody) {
      this.refuse(req, res, 413, "Request body too large\n");
      return;
    }
    const socket = req.socket;
    let client = this.clientOf(socket);
    let scheme = this.tls ? "https" : "http";
    if (forwarded && this.trusted !== null && this.peerTrusted(this.trusted, client)) {
      const facts = readForwardedFacts(headers, this.trusted);
      if (facts !== undefined) {
        if (facts.client !== undefined) client = facts.client;
        if (facts.scheme !== undefined) scheme = facts.scheme === "wss" ? "https" : facts.scheme === "ws" ? "http" : facts.scheme;
        if (facts.host !== undefined) replaceHost(headers, facts.host);
      }
    }
    const extensions: ScopeExtensions = {
      "http.response.pathsend": SUPPORTED,
      "http.response.early_hint": SUPPORTED,
    };
    if (trailersAllowed) extensions["http.response.trailers"] = SUPPORTED;
    if (this.tls) extensions.tls = tlsExtensionFor(socket, this.serverCertPem);
    const rootPath = o.rootPath;
    const scope: HTTPScope = {
      type: "http",
      asgi: ASGI_INFO,
      http_version: req.httpVersion as HTTPScope["http_version"],
      method: req.method ?? "GET",
      scheme,
      path: rootPath === "" ? parts.path : rootPath + parts.path,
      raw_path: rootPath === "" ? parts.raw_path : this.rawRootPath + parts.raw_path,
      query_string: parts.query_string,
      root_path: rootPath,
      headers,
      client,
      server: this.serverOf(socket),
      state: { ...this.lifespan.state },
      extensions,
    };
    const cycle = new HttpCycle(this, scope, req, res, expectsContinue, trailersAllowed, contentLength);
    this.active++;
    this.countRequest();
    runCycle(this.app, cycle);
  }

  /** Whether proxy headers from this peer are believed (a unix-socket peer matches its path or "unix:"). */
  private peerTrusted(trusted: TrustedPeers, client: Address | null): boolean {
    if (client !== null) return trusted.trusts(client[0]);
    return trusted.trusts(this.options.uds) || trusted.trusts("unix:");
  }

  /** A bug in the server itself: log it and drop the connection rather than crash the process. */
  private internalError(socket: Duplex, error: unknown): void {
    this.log.error("internal server error while handling a request; closing the connection", error);
    socket.destroy();
  }

  /** Answers without calling the app (503, 400, 413). */
  private refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, text: string): void {
    const body = Buffer.from(text, "latin1");
    res.shouldKeepAlive = false;
    res.writeHead(status, [
      ["content-type", "text/plain; charset=utf-8"],
      ["content-length", String(body.length)],
      ["connection", "close"],
    ]);
    res.end(body);
    if (this.log.accessEnabled) this.writeAccessLine(req, status, body.length, -1);
  }

  /** The peer address, computed once per connection (frozen: scopes on one connection share it). */
  private clientOf(socket: Socket): Address | null {
    const cached = (socket as AddressCache)[kClient];
    if (cached !== undefined) return cached;
    const host = socket.remoteAddress;
    const client: Address | null = host === undefined ? null : (Object.freeze([host, socket.remotePort ?? 0]) as Address);
    (socket as AddressCache)[kClient] = client;
    return client;
  }

  /** The local address, computed once per connection (frozen, shared like `clientOf`). */
  private serverOf(socket: Socket): Address | null {
    const cached = (socket as AddressCache)[kServer];
    if (cached !== undefined) return cached;
    let server: Address | null;
    if (this.options.uds !== undefined) server = Object.freeze([this.options.uds, null]) as Address;
    else {
      const host = socket.localAddress;
      server = host === undefined ? null : (Object.freeze([host, socket.localPort ?? 0]) as Address);
    }
    (socket as AddressCache)[kServer] = server;
    return server;
  }

  private countRequest(): void {
    const max = this.options.limitMaxRequests;
    if (max === null) return;
    this.requests++;
    if (this.requests === max) {
      const handOver = this.onRequestLimit;
      if (handOver !== null) {
        this.log.warning(`Maximum request limit of ${max} exceeded. Asking the supervisor for a replacement.`);
        handOver();
      } else {
        this.log.warning(`Maximum request limit of ${max} exceeded. Terminating process.`);
        setImmediate(() => void this.close());
      }
    }
  }

  cycleFinished(_cycle: HttpCycle): void {
    this.active--;
    if (this.closing) {
      this.sweepIdleConnections();
      if (this.active === 0 && this.whenIdle !== null) this.whenIdle();
    }
  }

  responseFinished(cycle: HttpCycle): void {
    if (this.log.accessEnabled) this.writeAccessLine(cycle.req, cycle.status, cycle.sentBytes, cycle.startedAt);
    if (this.closing) this.sweepIdleConnections();
  }

  private writeAccessLine(req: http.IncomingMessage, status: number, bytes: number, startedAt: number): void {
    const socket = req.socket;
    const client = socket.remoteAddress === undefined ? "unix" : `${socket.remoteAddress}:${socket.remotePort ?? 0}`;
    const duration = startedAt < 0 ? "0.0" : (performance.now() - startedAt).toFixed(1);
    this.log.access(`${client} - "${req.method ?? ""} ${req.url ?? ""} HTTP/${req.httpVersion}" ${status} ${bytes} ${duration}ms`);
  }

  // ------------------------------------------------------------------ websocket upgrades

  private handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const handler = this.wsHandler;
    if (handler === null || !offersWebSocket(req)) {
      this.ignoreUpgrade(req, socket, head);
      return;
    }
    if (this.closing) {
      rawRespond(socket, 503, "Service Unavailable\n");
      return;
    }
    const limit = this.options.limitConcurrency;
    if (limit !== null && this.active + handler.size >= limit) {
      rawRespond(socket, 503, "Service Unavailable\n");
      return;
    }
    try {
      parseRequestTarget(req.url ?? "/");
    } catch {
      rawRespond(socket, 400, "Bad Request: invalid percent-encoding in the request path\n");
      return;
    }
    const netSocket = req.socket;
    let client = this.clientOf(netSocket);
    let scheme = this.tls ? "wss" : "ws";
    if (this.trusted !== null && this.peerTrusted(this.trusted, client)) {
      const facts = readForwardedFacts(headersFromRawHeaders(req.rawHeaders), this.trusted);
      if (facts !== undefined) {
        if (facts.client !== undefined) client = facts.client;
        if (facts.scheme !== undefined) scheme = facts.scheme === "https" ? "wss" : facts.scheme === "http" ? "ws" : facts.scheme;
      }
    }
    const extensions: ScopeExtensions = { "websocket.http.response": SUPPORTED };
    if (this.tls) extensions.tls = tlsExtensionFor(netSocket, this.serverCertPem);
    handler.handleUpgrade(req, socket, head, {
      client,
      server: this.serverOf(netSocket),
      scheme,
      root_path: this.options.rootPath,
      state: { ...this.lifespan.state },
      extensions,
    });
  }

  /**
   * Serves a request offering an upgrade other than WebSocket (e.g. `Upgrade: h2c` from
   * `curl --http2`) as plain HTTP/1.1, as RFC 9110 §7.8 allows. node:http hands every request
   * with `Connection: upgrade` to the 'upgrade' listener and has already detached its parser,
   * leaving any body unparsed in `head`; so the request head is rewritten without the upgrade
   * offer and fed back, with the bytes read after it, through node:http's own connection
   * handling. The body, keep-alive and pipelining then work exactly as for any request.
   */
  private ignoreUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const rewritten = Buffer.from(requestHeadWithoutUpgrade(req), "latin1");
    socket.unshift(head.length > 0 ? Buffer.concat([rewritten, head]) : rewritten);
    this.httpServer.emit(this.tls ? "secureConnection" : "connection", socket);
  }

  // ------------------------------------------------------------------ shutdown

  /** Graceful shutdown: stop accepting, finish in-flight requests (bounded), run lifespan shutdown. */
  close(): Promise<void> {
    if (this.retiring) {
      // Retiring already, now the whole server goes away: idle connections may go at once.
      this.retiring = false;
      this.httpServer.closeIdleConnections();
    }
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  /**
   * Shutdown for a replaced worker (rolling restart, request-limit recycling): stop accepting
   * but leave idle keep-alive connections alone. A proxy such as nginx may be writing a new
   * request on one of them at this very moment; resetting it would lose that request (nginx
   * retries a GET elsewhere but never a POST). Every later response says `Connection: close`,
   * idle connections end when the peer closes them or on the keep-alive timeout, and whatever
   * remains is closed at `timeoutGracefulShutdown`.
   */
  retire(): Promise<void> {
    if (this.closePromise === null) this.retiring = true;
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.log.info(this.retiring ? "Retiring: no new connections; idle ones are left to the peer" : "Shutting down");
    const server = this.httpServer;
    const allClosed = new Promise<void>((resolve) => {
      if (!server.listening) resolve();
      else if (this.retiring) {
        // net.Server's close stops accepting without http.Server's closeIdleConnections().
        NetServer.prototype.close.call(server, () => {
          resolve();
        });
      } else {
        server.close(() => {
          resolve();
        });
      }
    });
    if (!this.retiring) server.closeIdleConnections();
    const graceMs = this.options.timeoutGracefulShutdown === null ? null : this.options.timeoutGracefulShutdown * 1000;
    const timer =
      graceMs === null
        ? undefined
        : setTimeout(() => {
            this.forced = true;
            this.log.warning("Graceful shutdown timed out; closing remaining connections.");
            server.closeAllConnections();
            this.whenIdle?.();
          }, graceMs);
    timer?.unref();
    const wsClosed = this.wsHandler?.close(1012, graceMs ?? 2 ** 31 - 1) ?? Promise.resolve();
    await Promise.all([allClosed, wsClosed.catch((error: unknown) => this.log.error("closing WebSocket connections failed", error))]);
    if (this.active > 0 && !this.forced) {
      await new Promise<void>((resolve) => {
        this.whenIdle = resolve;
        timer?.ref();
      });
    }
    if (timer !== undefined) clearTimeout(timer);
    await this.lifespan.shutdown();
    releaseNewestBodyChunk();
    this.log.info("Finished server process");
    this.log.flush();
    this.resolveClosed();
  }

  private sweepIdleConnections(): void {
    if (this.idleSweepScheduled || this.retiring) return;
    this.idleSweepScheduled = true;
    setImmediate(() => {
      this.idleSweepScheduled = false;
      if (!this.retiring) this.httpServer.closeIdleConnections();
    });
  }
}

/**
 * Runs the app for one cycle and reports how it ended. Written with `then` rather than as an
 * async function: one suspended async frame fewer per request. Measured with requests fed to
 * the `http.Server` through an in-memory stream (no kernel time), this and the plain
 * start/body chain of `@sluice/fetch` together took 3.8% off the CPU per request of a Hono
 * hello world; over real sockets the gain is within the noise (about 1%).
 */
function runCycle(app: App, cycle: HttpCycle): void {
  let outcome: unknown;
  try {
    outcome = app(cycle.scope, cycle.receive, cycle.send);
  } catch (error) {
    appFailed(cycle, error);
    return;
  }
  Promise.resolve(outcome).then(
    () => {
      appReturned(cycle);
    },
    (error: unknown) => {
      appFailed(cycle, error);
    },
  );
}

function appReturned(cycle: HttpCycle): void {
  try {
    cycle.appReturned();
  } catch (error) {
    cycle.appFailed(error);
  }
  cycle.owner.cycleFinished(cycle);
}

function appFailed(cycle: HttpCycle, error: unknown): void {
  cycle.appFailed(error);
  cycle.owner.cycleFinished(cycle);
}

function replaceHost(headers: Headers, host: string): void {
  for (const header of headers) {
    if (header[0] === "host") {
      header[1] = host;
      return;
    }
  }
  headers.push(["host", host]);
}

/** Whether the request asks for a WebSocket upgrade (`Upgrade: websocket`, any case). */
function offersWebSocket(req: http.IncomingMessage): boolean {
  return (req.headers.upgrade ?? "").trim().toLowerCase() === "websocket";
}

/** The request head as received, minus the `Upgrade` header and the `upgrade` Connection option. */
function requestHeadWithoutUpgrade(req: http.IncomingMessage): string {
  let head = `${req.method ?? "GET"} ${req.url ?? "/"} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    let value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === "upgrade") continue;
    if (lower === "connection") {
      value = value
        .split(",")
        .map((token) => token.trim())
        .filter((token) => token !== "" && token.toLowerCase() !== "upgrade")
        .join(", ");
      if (value === "") continue;
    }
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

function rawRespond(socket: Duplex, status: number, text: string): void {
  const body = Buffer.from(text, "latin1");
  const reason = status === 503 ? "Service Unavailable" : "Bad Request";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${text}`, "latin1");
}

function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidServerOption(option, `must name a readable file (${(error as Error).message})`, path, { cause: error });
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  try {
    const stat = await lstat(path);
    if (stat.isSocket()) await unlink(path);
  } catch {
    // nothing there
  }
}

