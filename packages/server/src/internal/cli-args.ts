import { InvalidServerOption } from "../errors.js";
import type { ServeOptions } from "../options.js";
import type { InterfaceMode } from "./resolve-app.js";

/** Everything the `sluice` command line (plus `SLUICE_*` variables) asked for. */
export interface CliConfig {
  /** `<module-path>:<export>`. */
  target: string;
  /** Options passed to `serve()`. */
  serve: ServeOptions;
  /** Worker processes; `1` runs in-process without a supervisor. */
  workers: number;
  /** How the export is interpreted. */
  interface: InterfaceMode;
  /** The export is a factory: call it (no arguments, may be async) to get the app. */
  factory: boolean;
  /** Worker threads for a sync app (`--threads`). */
  threads: number | undefined;
}

/** The result of parsing: run, or print help/version and exit 0. */
export type CliRequest = { kind: "run"; config: CliConfig } | { kind: "help" } | { kind: "version" };

/** A usage error (exit code 2). */
export class CliUsageError extends InvalidServerOption {}

type Kind = "string" | "int" | "float" | "bool" | "choice" | "nullable-int" | "nullable-float";

interface FlagSpec {
  flag: string;
  kind: Kind;
  /** ServeOptions key, or a CliConfig key marked with "cli:". */
  key: keyof ServeOptions | "cli:workers" | "cli:interface" | "cli:factory" | "cli:threads";
  choices?: readonly string[];
  metavar?: string;
  help: string;
  defaultText: string;
  /** Name of the negated boolean flag, if any (e.g. `--no-access-log`). */
  negated?: string;
}

/** Every flag, in help order. Env var: `SLUICE_` + flag name upper-cased with `_` for `-`. */
export const FLAGS: readonly FlagSpec[] = [
  { flag: "--host", kind: "string", key: "host", metavar: "HOST", help: "Bind to this interface.", defaultText: "127.0.0.1" },
  { flag: "--port", kind: "int", key: "port", metavar: "PORT", help: "Bind to this port (0 picks a free one).", defaultText: "8000" },
  { flag: "--uds", kind: "string", key: "uds", metavar: "PATH", help: "Bind to a unix domain socket.", defaultText: "unset" },
  { flag: "--fd", kind: "int", key: "fd", metavar: "FD", help: "Listen on an inherited listening socket file descriptor.", defaultText: "unset" },
  { flag: "--workers", kind: "int", key: "cli:workers", metavar: "N", help: "Worker processes sharing the socket (supervised; SIGHUP restarts them one by one).", defaultText: "1" },
  { flag: "--interface", kind: "choice", key: "cli:interface", choices: ["auto", "async", "sync"], help: "App interface: async (scope, receive, send), sync (environ, startResponse), or auto-detect.", defaultText: "auto" },
  { flag: "--threads", kind: "int", key: "cli:threads", metavar: "N", help: "Worker threads running a sync app.", defaultText: "CPU count" },
  { flag: "--factory", kind: "bool", key: "cli:factory", help: "Treat the export as a factory returning the app.", defaultText: "off" },
  { flag: "--lifespan", kind: "choice", key: "lifespan", choices: ["auto", "on", "off"], help: "Lifespan protocol.", defaultText: "auto" },
  { flag: "--root-path", kind: "string", key: "rootPath", metavar: "PATH", help: "Mount point of the app behind a proxy (scope root_path).", defaultText: '""' },
  { flag: "--proxy-headers", kind: "bool", key: "proxyHeaders", negated: "--no-proxy-headers", help: "Honour X-Forwarded-For/-Proto/-Host and Forwarded from trusted peers.", defaultText: "on" },
  { flag: "--forwarded-allow-ips", kind: "string", key: "forwardedAllowIps", metavar: "LIST", help: "Comma-separated IPs, CIDRs or * trusted for proxy headers.", defaultText: "127.0.0.1" },
  { flag: "--timeout-keep-alive", kind: "float", key: "timeoutKeepAlive", metavar: "SECONDS", help: "Close idle keep-alive connections after this long.", defaultText: "5" },
  { flag: "--timeout-headers", kind: "float", key: "timeoutHeaders", metavar: "SECONDS", help: "Time allowed to send the request headers (slowloris guard, then 408).", defaultText: "30" },
  { flag: "--timeout-body", kind: "nullable-float", key: "timeoutBody", metavar: "SECONDS", help: "Answer 408 when a request body stalls this long while the app reads it ('none' waits forever).", defaultText: "60" },
  { flag: "--timeout-send", kind: "nullable-float", key: "timeoutSend", metavar: "SECONDS", help: "Close the connection when a client stops reading the response for this long ('none' waits forever).", defaultText: "60" },
  { flag: "--timeout-graceful-shutdown", kind: "nullable-float", key: "timeoutGracefulShutdown", metavar: "SECONDS", help: "Wait this long for in-flight requests at shutdown, then close by force ('none' waits forever).", defaultText: "30" },
  { flag: "--limit-concurrency", kind: "nullable-int", key: "limitConcurrency", metavar: "N", help: "Answer 503 beyond this many concurrent requests/WebSocket sessions.", defaultText: "none" },
  { flag: "--limit-max-requests", kind: "nullable-int", key: "limitMaxRequests", metavar: "N", help: "Shut down (a worker: get replaced) after this many requests.", defaultText: "none" },
  { flag: "--limit-request-body", kind: "nullable-int", key: "limitRequestBody", metavar: "BYTES", help: "Answer 413 to larger request bodies.", defaultText: "none" },
  { flag: "--max-header-size", kind: "int", key: "maxHeaderSize", metavar: "BYTES", help: "Answer 431 to larger request heads.", defaultText: "16384" },
  { flag: "--ssl-keyfile", kind: "string", key: "sslKeyfile", metavar: "FILE", help: "PEM private key (enables HTTPS with --ssl-certfile).", defaultText: "unset" },
  { flag: "--ssl-certfile", kind: "string", key: "sslCertfile", metavar: "FILE", help: "PEM certificate chain.", defaultText: "unset" },
  { flag: "--ssl-keyfile-password", kind: "string", key: "sslKeyfilePassword", metavar: "TEXT", help: "Passphrase of the key file.", defaultText: "unset" },
  { flag: "--ssl-ca-certs", kind: "string", key: "sslCaCerts", metavar: "FILE", help: "CA bundle for verifying client certificates.", defaultText: "unset" },
  { flag: "--ssl-cert-reqs", kind: "int", key: "sslCertReqs", metavar: "0|1|2", help: "Client certificates: 0 none, 1 optional, 2 required.", defaultText: "0" },
  { flag: "--ws", kind: "bool", key: "ws", negated: "--no-ws", help: "Handle WebSocket upgrades (@sluice/websocket).", defaultText: "on" },
  { flag: "--ws-max-size", kind: "int", key: "wsMaxSize", metavar: "BYTES", help: "Largest WebSocket message.", defaultText: "16777216" },
  { flag: "--ws-ping-interval", kind: "float", key: "wsPingInterval", metavar: "SECONDS", help: "WebSocket ping interval (0 disables).", defaultText: "20" },
  { flag: "--ws-ping-timeout", kind: "float", key: "wsPingTimeout", metavar: "SECONDS", help: "WebSocket pong timeout.", defaultText: "20" },
  { flag: "--ws-per-message-deflate", kind: "bool", key: "wsPerMessageDeflate", negated: "--no-ws-per-message-deflate", help: "Negotiate permessage-deflate (also accepts =true/=false).", defaultText: "off" },
  { flag: "--access-log", kind: "bool", key: "accessLog", negated: "--no-access-log", help: "One access-log line per request on stdout.", defaultText: "on" },
  { flag: "--log-level", kind: "choice", key: "logLevel", choices: ["critical", "error", "warning", "info", "debug", "trace"], help: "Least severe level logged.", defaultText: "info" },
];

const BOOLEAN_WORD = /^(1|0|true|false|yes|no|on|off)$/i;

/** The environment variable of a flag: `--limit-concurrency` → `SLUICE_LIMIT_CONCURRENCY`. */
export function envName(flag: string): string {
  return `SLUICE_${flag.slice(2).toUpperCase().replace(/-/g, "_")}`;
}

/**
 * Parses the command line and `SLUICE_*` variables (flags win over variables).
 * Throws `CliUsageError` naming the flag or variable at fault.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const values = new Map<FlagSpec, unknown>();
  let target: string | undefined;
  for (const spec of FLAGS) {
    const raw = env[envName(spec.flag)];
    if (raw !== undefined && raw !== "") values.set(spec, convert(spec, raw, envName(spec.flag)));
  }
  if (env["SLUICE_APP"] !== undefined && env["SLUICE_APP"] !== "") target = env["SLUICE_APP"];
  let positional: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--version" || arg === "-V") return { kind: "version" };
    if (!arg.startsWith("-") || arg === "-") {
      if (positional !== undefined) throw new CliUsageError("app", `takes one <module-path>:<export> argument; unexpected extra argument`, arg);
      positional = arg;
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const negatedSpec = FLAGS.find((spec) => spec.negated === name);
    if (negatedSpec !== undefined) {
      if (inline !== undefined) throw new CliUsageError(name, "takes no value", inline);
      values.set(negatedSpec, false);
      continue;
    }
    const spec = FLAGS.find((candidate) => candidate.flag === name);
    if (spec === undefined) throw new CliUsageError(name, `is not a sluice option (see sluice --help)`, arg);
    if (spec.kind === "bool") {
      // `--flag`, `--flag=false`, or uvicorn's `--flag false` (a following boolean word is its value).
      const next = argv[i + 1];
      if (inline === undefined && next !== undefined && BOOLEAN_WORD.test(next)) {
        values.set(spec, convert(spec, next, name));
        i++;
      } else {
        values.set(spec, inline === undefined ? true : convert(spec, inline, name));
      }
      continue;
    }
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new CliUsageError(name, "needs a value", null);
      i++;
    }
    values.set(spec, convert(spec, value, name));
  }
  target = positional ?? target;
  if (target === undefined) throw new CliUsageError("app", "is required: sluice <module-path>:<export> (or set SLUICE_APP)", null);
  const config: CliConfig = { target, serve: {}, workers: 1, interface: "auto", factory: false, threads: undefined };
  const serve = config.serve as Record<string, unknown>;
  for (const [spec, value] of values) {
    switch (spec.key) {
      case "cli:workers":
        config.workers = value as number;
        break;
      case "cli:interface":
        config.interface = value as InterfaceMode;
        break;
      case "cli:factory":
        config.factory = value as boolean;
        break;
      case "cli:threads":
        config.threads = value as number;
        break;
      default:
        serve[spec.key] = value;
    }
  }
  if (config.workers < 1) throw new CliUsageError("--workers", "must be at least 1", config.workers);
  return { kind: "run", config };
}

function convert(spec: FlagSpec, raw: string, source: string): unknown {
  const text = raw.trim();
  switch (spec.kind) {
    case "string":
      return raw;
    case "int":
    case "nullable-int": {
      if (spec.kind === "nullable-int" && /^(none|null)$/i.test(text)) return null;
      if (!/^-?\d+$/.test(text)) throw new CliUsageError(source, "must be an integer", raw);
      return Number(text);
    }
    case "float":
    case "nullable-float": {
      if (spec.kind === "nullable-float" && /^(none|null)$/i.test(text)) return null;
      if (!/^\d+(\.\d+)?$/.test(text)) throw new CliUsageError(source, "must be a non-negative number", raw);
      return Number(text);
    }
    case "bool": {
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      throw new CliUsageError(source, "must be true or false", raw);
    }
    case "choice": {
      const choices = spec.choices ?? [];
      if (!choices.includes(text)) throw new CliUsageError(source, `must be one of ${choices.join("|")}`, raw);
      return text;
    }
  }
}

/** The `sluice --help` text. */
export function helpText(): string {
  const lines = [
    "Usage: sluice [options] <module-path>:<export>",
    "",
    "Serve a Sluice app (async: (scope, receive, send); sync: (environ, startResponse)) over HTTP/1.1.",
    "",
    "  <module-path>  a file (./app.js, src/main.mjs) or package specifier, resolved from the current directory",
    "  <export>       the export holding the app (e.g. app, default)",
    "",
    "Options (each also read from the environment variable shown):",
  ];
  for (const spec of FLAGS) {
    let left = spec.flag;
    if (spec.kind === "choice") left += ` [${(spec.choices ?? []).join("|")}]`;
    else if (spec.kind !== "bool") left += ` ${spec.metavar ?? "VALUE"}`;
    if (spec.negated !== undefined) left += ` / ${spec.negated}`;
    lines.push(`  ${left}`);
    lines.push(`      ${spec.help} Default: ${spec.defaultText}. Env: ${envName(spec.flag)}`);
  }
  lines.push("  -h, --help      Show this help and exit.");
  lines.push("  -V, --version   Show the version and exit.");
  lines.push("");
  lines.push("The app may also be given as SLUICE_APP. Exit codes: 0 normal shutdown, 1 error, 2 usage error, 3 lifespan startup failed.");
  return `${lines.join("\n")}\n`;
}
