import { InvalidServerOption } from "../errors.js";
import type { LogLevel } from "../logger.js";
import { LOG_LEVEL_RANK } from "../logger.js";
import type { LifespanMode, ResolvedOptions, ServeOptions } from "../options.js";
import { trustedEntries } from "./trusted-peers.js";

/** The defaults of every {@link ServeOptions} field. */
export const DEFAULTS: ResolvedOptions = Object.freeze({
  host: "127.0.0.1",
  port: 8000,
  uds: undefined,
  fd: undefined,
  lifespan: "auto",
  rootPath: "",
  proxyHeaders: true,
  forwardedAllowIps: Object.freeze(["127.0.0.1"]),
  timeoutKeepAlive: 5,
  timeoutHeaders: 30,
  timeoutBody: 60,
  timeoutSend: 60,
  timeoutGracefulShutdown: 30,
  limitConcurrency: null,
  limitMaxRequests: null,
  limitRequestBody: null,
  maxHeaderSize: 16384,
  sslKeyfile: undefined,
  sslCertfile: undefined,
  sslKeyfilePassword: undefined,
  sslCaCerts: undefined,
  sslCertReqs: 0,
  ws: true,
  wsMaxSize: 16 * 1024 * 1024,
  wsPingInterval: 20,
  wsPingTimeout: 20,
  wsPerMessageDeflate: false,
  accessLog: true,
  logLevel: "info",
});

/** Applies defaults and validates; throws `InvalidServerOption` naming the bad option. */
export function resolveOptions(options: ServeOptions): ResolvedOptions {
  const pick = <K extends keyof ResolvedOptions>(key: K): ResolvedOptions[K] => {
    const value = (options as Partial<Record<K, ResolvedOptions[K]>>)[key];
    return value === undefined ? DEFAULTS[key] : value;
  };
  const resolved: ResolvedOptions = {
    host: pick("host"),
    port: integer("port", pick("port"), 0, 65535),
    uds: pick("uds"),
    fd: options.fd === undefined ? undefined : integer("fd", options.fd, 0, 2 ** 31 - 1),
    lifespan: oneOf<LifespanMode>("lifespan", pick("lifespan"), ["auto", "on", "off"]),
    rootPath: pick("rootPath"),
    proxyHeaders: pick("proxyHeaders"),
    forwardedAllowIps: trustedEntries(options.forwardedAllowIps ?? DEFAULTS.forwardedAllowIps),
    timeoutKeepAlive: seconds("timeoutKeepAlive", pick("timeoutKeepAlive")),
    timeoutHeaders: seconds("timeoutHeaders", pick("timeoutHeaders")),
    timeoutBody: nullable("timeoutBody", pick("timeoutBody"), positiveSeconds),
    timeoutSend: nullable("timeoutSend", pick("timeoutSend"), positiveSeconds),
    timeoutGracefulShutdown: nullable("timeoutGracefulShutdown", pick("timeoutGracefulShutdown"), (name, value) => seconds(name, value)),
    limitConcurrency: nullable("limitConcurrency", pick("limitConcurrency"), (name, value) => integer(name, value, 1, Number.MAX_SAFE_INTEGER)),
    limitMaxRequests: nullable("limitMaxRequests", pick("limitMaxRequests"), (name, value) => integer(name, value, 1, Number.MAX_SAFE_INTEGER)),
    limitRequestBody: nullable("limitRequestBody", pick("limitRequestBody"), (name, value) => integer(name, value, 0, Number.MAX_SAFE_INTEGER)),
    maxHeaderSize: integer("maxHeaderSize", pick("maxHeaderSize"), 1024, 2 ** 30),
    sslKeyfile: pick("sslKeyfile"),
    sslCertfile: pick("sslCertfile"),
    sslKeyfilePassword: pick("sslKeyfilePassword"),
    sslCaCerts: pick("sslCaCerts"),
    sslCertReqs: oneOf("sslCertReqs", pick("sslCertReqs"), [0, 1, 2]),
    ws: pick("ws"),
    wsMaxSize: integer("wsMaxSize", pick("wsMaxSize"), 1, 2 ** 31 - 1),
    wsPingInterval: seconds("wsPingInterval", pick("wsPingInterval")),
    wsPingTimeout: seconds("wsPingTimeout", pick("wsPingTimeout")),
    wsPerMessageDeflate: pick("wsPerMessageDeflate"),
    accessLog: pick("accessLog"),
    logLevel: oneOf<LogLevel>("logLevel", pick("logLevel"), Object.keys(LOG_LEVEL_RANK) as LogLevel[]),
  };
  if ((resolved.sslKeyfile === undefined) !== (resolved.sslCertfile === undefined)) {
    throw new InvalidServerOption(resolved.sslKeyfile === undefined ? "sslKeyfile" : "sslCertfile", "must be given together with the other of sslKeyfile/sslCertfile", resolved.sslKeyfile ?? resolved.sslCertfile);
  }
  if (resolved.rootPath !== "" && (!resolved.rootPath.startsWith("/") || resolved.rootPath.endsWith("/"))) {
    throw new InvalidServerOption("rootPath", 'must be "" or start with "/" and not end with "/"', resolved.rootPath);
  }
  if (resolved.uds !== undefined && resolved.fd !== undefined) {
    throw new InvalidServerOption("uds", "cannot be combined with fd", resolved.uds);
  }
  return resolved;
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidServerOption(name, `must be an integer from ${min} to ${max}`, value);
  return value;
}

function seconds(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new InvalidServerOption(name, "must be a non-negative number of seconds", value);
  return value;
}

function positiveSeconds(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new InvalidServerOption(name, "must be a positive number of seconds (or null for no limit)", value);
  return value;
}

function nullable<T>(name: string, value: T | null, check: (name: string, value: T) => T): T | null {
  return value === null ? null : check(name, value);
}

function oneOf<T>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new InvalidServerOption(name, `must be one of ${allowed.map((item) => JSON.stringify(item)).join(", ")}`, value);
  return value;
}
