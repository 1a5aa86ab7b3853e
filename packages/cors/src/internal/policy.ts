import type { Headers } from "@sluice/core";
import { CorsConfigError } from "../errors.js";
import type { CorsOptions } from "../options.js";
import { describe } from "./describe.js";
import { isToken } from "./syntax.js";
import { buildOriginMatcher, normalizeOriginList, type OriginMatcher } from "./origins.js";

/** Request headers a preflight never has to ask permission for (Starlette allows these too). */
const ALWAYS_ALLOWED_HEADERS = ["accept", "accept-language", "content-language", "content-type"];

const KNOWN_OPTIONS = new Set([
  "allowOrigins",
  "allowOriginRegex",
  "allowOrigin",
  "allowMethods",
  "allowHeaders",
  "allowCredentials",
  "exposeHeaders",
  "maxAge",
  "allowPrivateNetwork",
]);

/** Names other CORS libraries use, mapped to ours, for a helpful error. */
const FOREIGN_OPTION_NAMES: Record<string, string> = {
  origin: "allowOrigins",
  origins: "allowOrigins",
  allowedOrigins: "allowOrigins",
  allow_origins: "allowOrigins",
  allow_origin_regex: "allowOriginRegex",
  methods: "allowMethods",
  allowedMethods: "allowMethods",
  allow_methods: "allowMethods",
  allowedHeaders: "allowHeaders",
  allow_headers: "allowHeaders",
  credentials: "allowCredentials",
  allow_credentials: "allowCredentials",
  exposedHeaders: "exposeHeaders",
  expose_headers: "exposeHeaders",
  max_age: "maxAge",
  allow_private_network: "allowPrivateNetwork",
  preflightContinue: "(none: preflights are always answered by the middleware)",
  optionsSuccessStatus: "(none: preflights are answered with 200)",
};

/**
 * Everything the middleware needs per request, validated and precomputed once.
 */
export interface CorsPolicy {
  /** `allowOrigins: "*"`: every origin is allowed and answered with a literal `*`. */
  readonly anyOrigin: boolean;
  /** Whether an origin is allowed (not consulted when `anyOrigin`). */
  readonly isOriginAllowed: OriginMatcher;
  /** Headers added to allowed actual responses besides `Access-Control-Allow-Origin`. */
  readonly actualHeaders: Headers;
  /** `allowMethods: "*"`: the preflight answer names the requested method. */
  readonly anyMethod: boolean;
  readonly methods: ReadonlySet<string>;
  /** Human-readable list for rejection messages. */
  readonly methodList: string;
  /** `allowHeaders: "*"`: the preflight answer names the requested headers. */
  readonly anyHeader: boolean;
  /** Lowercased allowed request header names. */
  readonly headers: ReadonlySet<string>;
  /** Fixed headers of every successful preflight answer (besides the allow-origin one). */
  readonly preflightHeaders: Headers;
  /** The `Vary` value of preflight answers, or `undefined` when nothing varies. */
  readonly preflightVary: string | undefined;
  readonly allowPrivateNetwork: boolean;
}

/**
 * Validates `options` and precomputes every header value. Throws `CorsConfigError` on any
 * contradiction or malformed value.
 */
export function resolvePolicy(options: CorsOptions): CorsPolicy {
  checkShape(options);
  const allowCredentials = readBoolean(options.allowCredentials, "allowCredentials");
  const allowPrivateNetwork = readBoolean(options.allowPrivateNetwork, "allowPrivateNetwork");
  const maxAge = readMaxAge(options.maxAge);

  const origins = normalizeOriginList(options.allowOrigins);
  if (origins === "*") {
    if (allowCredentials) {
      throw new CorsConfigError(
        "allowOrigins",
        '"*" cannot be combined with allowCredentials: true. Browsers refuse "Access-Control-Allow-Origin: *" on ' +
          "credentialed requests, and answering every origin with its own name would let any website act with your " +
          'users\' cookies. List the trusted origins (allowOrigins: ["https://app.example.com"]) or match them with ' +
          "allowOriginRegex or allowOrigin.",
      );
    }
    if (options.allowOriginRegex !== undefined || options.allowOrigin !== undefined) {
      throw new CorsConfigError(
        "allowOrigins",
        '"*" already allows every origin; allowOriginRegex and allowOrigin would never be consulted. Remove them, ' +
          'or list origins instead of "*".',
      );
    }
  }

  const methods = readList(options.allowMethods, "allowMethods", ["GET"]);
  if (methods === "*" && allowCredentials) {
    throw new CorsConfigError(
      "allowMethods",
      '"*" cannot be combined with allowCredentials: true (on credentialed requests browsers read "*" as a method ' +
        'literally named "*"). List the methods, e.g. allowMethods: ["GET", "POST", "DELETE"].',
    );
  }
  const headers = readList(options.allowHeaders, "allowHeaders", []);
  if (headers === "*" && allowCredentials) {
    throw new CorsConfigError(
      "allowHeaders",
      '"*" cannot be combined with allowCredentials: true: credentialed requests must name the headers they ' +
        'accept. List them, e.g. allowHeaders: ["authorization", "content-type"].',
    );
  }
  const expose = readList(options.exposeHeaders, "exposeHeaders", []);
  if (expose === "*" && allowCredentials) {
    throw new CorsConfigError(
      "exposeHeaders",
      '"*" cannot be combined with allowCredentials: true (browsers then read it as a header literally named "*"). ' +
        'List the headers, e.g. exposeHeaders: ["x-request-id"].',
    );
  }

  const anyOrigin = origins === "*";
  const isOriginAllowed = buildOriginMatcher(
    origins === "*" ? [] : origins,
    options.allowOriginRegex,
    options.allowOrigin,
  );

  const actualHeaders: Headers = [];
  if (allowCredentials) actualHeaders.push(["access-control-allow-credentials", "true"]);
  if (expose === "*") actualHeaders.push(["access-control-expose-headers", "*"]);
  else if (expose.length > 0) actualHeaders.push(["access-control-expose-headers", expose.join(", ")]);

  const headerSet = new Set(headers === "*" ? [] : [...ALWAYS_ALLOWED_HEADERS, ...headers.map((name) => name.toLowerCase())]);
  const preflightHeaders: Headers = [];
  if (methods !== "*") preflightHeaders.push(["access-control-allow-methods", methods.join(", ")]);
  if (headers !== "*") preflightHeaders.push(["access-control-allow-headers", [...headerSet].join(", ")]);
  preflightHeaders.push(["access-control-max-age", String(maxAge)]);
  if (allowCredentials) preflightHeaders.push(["access-control-allow-credentials", "true"]);

  const vary: string[] = [];
  if (!anyOrigin) vary.push("Origin");
  if (methods === "*") vary.push("Access-Control-Request-Method");
  if (headers === "*") vary.push("Access-Control-Request-Headers");

  return {
    anyOrigin,
    isOriginAllowed,
    actualHeaders,
    anyMethod: methods === "*",
    methods: new Set(methods === "*" ? [] : methods),
    methodList: methods === "*" ? "*" : methods.join(", "),
    anyHeader: headers === "*",
    headers: headerSet,
    preflightHeaders,
    preflightVary: vary.length > 0 ? vary.join(", ") : undefined,
    allowPrivateNetwork,
  };
}

function checkShape(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new CorsConfigError("options", 'expected an options object, e.g. cors({ allowOrigins: ["https://app.example.com"] }).');
  }
  for (const key of Object.keys(options)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    const ours = FOREIGN_OPTION_NAMES[key];
    const hint = ours === undefined ? `Known options: ${[...KNOWN_OPTIONS].join(", ")}.` : `Did you mean ${ours}?`;
    throw new CorsConfigError(key, `unknown option. ${hint}`);
  }
}

function readBoolean(value: unknown, option: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw new CorsConfigError(option, `expected true or false, got ${describe(value)}.`);
  return value;
}

function readMaxAge(value: unknown): number {
  if (value === undefined) return 600;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new CorsConfigError("maxAge", `expected a whole number of seconds, 0 or more, got ${describe(value)}.`);
  }
  return value;
}

/**
 * Reads a list of HTTP tokens (methods or header names) or `"*"`. `["*"]` alone means `"*"`;
 * `"*"` mixed with names is an error.
 */
function readList(value: unknown, option: string, fallback: string[]): string[] | "*" {
  if (value === undefined) return fallback;
  if (value === "*") return "*";
  if (!Array.isArray(value)) {
    throw new CorsConfigError(option, `expected a list of names or "*", got ${describe(value)}.`);
  }
  if (value.length === 1 && value[0] === "*") return "*";
  const names: string[] = [];
  for (const item of value as unknown[]) {
    if (item === "*") {
      throw new CorsConfigError(option, '"*" cannot be mixed with names; write "*" on its own, or list only names.');
    }
    if (typeof item !== "string" || !isToken(item)) {
      throw new CorsConfigError(option, `${describe(item)} is not a valid HTTP token (letters, digits and !#$%&'*+-.^_\`|~).`);
    }
    if (!names.includes(item)) names.push(item);
  }
  return names;
}
