import type { Logger, LogLevel } from "./logger.js";

/**
 * How the server runs the app's lifespan protocol: `"auto"` (errors mean "unsupported"),
 * `"on"` (errors fail startup) or `"off"` (never sent).
 *
 * @example
 * ```ts
 * const mode: LifespanMode = "on";
 * await serve(app, { lifespan: mode });
 * ```
 */
export type LifespanMode = "auto" | "on" | "off";

/**
 * Options of {@link serve}. Every option has a `sluice` CLI flag and a `SLUICE_*`
 * environment variable (see the README table). Durations are in **seconds**, like the CLI.
 *
 * @example
 * ```ts
 * const options: ServeOptions = { host: "0.0.0.0", port: 8080, limitConcurrency: 1000, accessLog: false };
 * ```
 */
export interface ServeOptions {
  /** Interface to bind. Default `"127.0.0.1"`. */
  host?: string | undefined;
  /** TCP port; `0` picks a free one. Default `8000`. */
  port?: number | undefined;
  /** Listen on this unix domain socket path instead of host/port. Default: unset. */
  uds?: string | undefined;
  /** Listen on this already-open (inherited) listening socket file descriptor. Default: unset. */
  fd?: number | undefined;
  /** Lifespan protocol: `"auto"` (run it, treat errors as "unsupported"), `"on"` (errors fail startup), `"off"`. Default `"auto"`. */
  lifespan?: LifespanMode | undefined;
  /** `root_path` of every scope (the app's mount point behind a proxy); `path` is prefixed with it. Default `""`. */
  rootPath?: string | undefined;
  /** Honour `X-Forwarded-*` and `Forwarded` from trusted peers. Default `true`. */
  proxyHeaders?: boolean | undefined;
  /** Peers trusted for proxy headers: IPs, CIDRs, `"*"`, or a unix socket path; a comma-separated string or a list. Default `"127.0.0.1"`. */
  forwardedAllowIps?: string | readonly string[] | undefined;
  /** Close idle keep-alive connections after this many seconds. Default `5`. */
  timeoutKeepAlive?: number | undefined;
  /** Seconds a client may take to send the request headers (slowloris guard); then 408. Default `30`. */
  timeoutHeaders?: number | undefined;
  /**
   * Seconds a request body may stall: while the app waits in `receive()` for more body and no
   * byte arrives for this long, the server answers `408` (or, if the response has started,
   * closes the connection) and the app gets `http.disconnect`. `null` waits forever. Default `60`.
   */
  timeoutBody?: number | null | undefined;
  /**
   * Seconds a response may wait for a client that stopped reading: while `send()` waits for the
   * socket to drain (or a pathsend file waits to be written) and no byte leaves for this long,
   * the server closes the connection and the pending `send()` rejects with `ClientDisconnected`.
   * Pauses of the app between sends never count. `null` waits forever. Default `60`.
   */
  timeoutSend?: number | null | undefined;
  /** Seconds `close()`/SIGTERM waits for in-flight requests before closing connections by force; `null` waits forever. Default `30`. */
  timeoutGracefulShutdown?: number | null | undefined;
  /** Answer 503 when this many requests/WebSocket sessions are already in progress. Default `null` (no limit). */
  limitConcurrency?: number | null | undefined;
  /** Shut down gracefully after this many requests (a worker is then replaced). Default `null` (no limit). */
  limitMaxRequests?: number | null | undefined;
  /** Largest request body in bytes; a larger one gets 413. Default `null` (no limit). */
  limitRequestBody?: number | null | undefined;
  /** Largest request head (request line + headers) in bytes; a larger one gets 431. Default `16384`. */
  maxHeaderSize?: number | undefined;
  /** PEM private key file; with `sslCertfile` serves HTTPS. Default: unset. */
  sslKeyfile?: string | undefined;
  /** PEM certificate (chain) file. Default: unset. */
  sslCertfile?: string | undefined;
  /** Passphrase of an encrypted key file. Default: unset. */
  sslKeyfilePassword?: string | undefined;
  /** PEM CA bundle to verify client certificates against. Default: unset. */
  sslCaCerts?: string | undefined;
  /** Client certificates: `0` none, `1` optional, `2` required (as Python's `ssl.CERT_*`). Default `0`. */
  sslCertReqs?: 0 | 1 | 2 | undefined;
  /** Handle WebSocket upgrades with `@sluice/websocket`; when `false`, upgrade requests reach the app as plain HTTP. Default `true`. */
  ws?: boolean | undefined;
  /** Largest WebSocket message in bytes. Default `16777216` (16 MiB). */
  wsMaxSize?: number | undefined;
  /** Seconds between WebSocket pings; `0` disables. Default `20`. */
  wsPingInterval?: number | undefined;
  /** Seconds to wait for a pong before closing. Default `20`. */
  wsPingTimeout?: number | undefined;
  /** Negotiate permessage-deflate. Default `false` (compression costs CPU and memory per connection; opt in). */
  wsPerMessageDeflate?: boolean | undefined;
  /** One access-log line per request on stdout. Default `true`. */
  accessLog?: boolean | undefined;
  /** Least severe level logged. Default `"info"`. */
  logLevel?: LogLevel | undefined;
  /** Where log lines go. Default: levels to stderr, access log to stdout (buffered). */
  logger?: Logger | undefined;
}

/** {@link ServeOptions} with every default applied (internal). */
export interface ResolvedOptions {
  host: string;
  port: number;
  uds: string | undefined;
  fd: number | undefined;
  lifespan: LifespanMode;
  rootPath: string;
  proxyHeaders: boolean;
  forwardedAllowIps: readonly string[];
  timeoutKeepAlive: number;
  timeoutHeaders: number;
  timeoutBody: number | null;
  timeoutSend: number | null;
  timeoutGracefulShutdown: number | null;
  limitConcurrency: number | null;
  limitMaxRequests: number | null;
  limitRequestBody: number | null;
  maxHeaderSize: number;
  sslKeyfile: string | undefined;
  sslCertfile: string | undefined;
  sslKeyfilePassword: string | undefined;
  sslCaCerts: string | undefined;
  sslCertReqs: 0 | 1 | 2;
  ws: boolean;
  wsMaxSize: number;
  wsPingInterval: number;
  wsPingTimeout: number;
  wsPerMessageDeflate: boolean;
  accessLog: boolean;
  logLevel: LogLevel;
}
