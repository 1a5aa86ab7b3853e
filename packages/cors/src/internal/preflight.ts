import { latin1ToBytes, splitHeaderList, type Headers, type HTTPScope, type Send } from "@sluice/core";
import type { CorsPolicy } from "./policy.js";
import type { PreflightRequest } from "./request-headers.js";
import { isToken } from "./syntax.js";

/** Longest piece of a request header echoed into a rejection message. */
const ECHO_LIMIT = 200;

/**
 * Answers a CORS preflight (an OPTIONS request with `Origin` and
 * `Access-Control-Request-Method`): 200 with the allow headers when the origin, the method and
 * every requested header are allowed, otherwise 400 with a plain-text body naming each
 * refusal. The app is not called.
 */
export async function answerPreflight(policy: CorsPolicy, scope: HTTPScope, request: PreflightRequest, send: Send): Promise<void> {
  const origin = request.origin ?? "";
  const method = request.requestMethod ?? "";
  const problems: string[] = [];

  const originAllowed = policy.anyOrigin || policy.isOriginAllowed(origin, scope);
  if (!originAllowed) problems.push(`origin ${quote(origin)} is not allowed`);

  const methodAllowed = policy.anyMethod ? isToken(method) : policy.methods.has(method);
  if (!methodAllowed) problems.push(`method ${quote(method)} is not allowed (allowed: ${policy.methodList})`);

  const requested = splitHeaderList(request.requestHeaders);
  const refusedHeaders = requested.filter((name) => !(policy.anyHeader ? isToken(name) : policy.headers.has(name.toLowerCase())));
  if (refusedHeaders.length > 0) {
    const noun = refusedHeaders.length === 1 ? "header" : "headers";
    problems.push(`${noun} ${quote(refusedHeaders.join(", "))} not allowed`);
  }

  if (problems.length > 0) {
    await reject(policy, problems, send);
    return;
  }

  const headers: Headers = [["access-control-allow-origin", policy.anyOrigin ? "*" : origin], ...policy.preflightHeaders];
  if (policy.anyMethod) headers.push(["access-control-allow-methods", method]);
  if (policy.anyHeader && requested.length > 0) {
    headers.push(["access-control-allow-headers", requested.map((name) => name.toLowerCase()).join(", ")]);
  }
  if (policy.allowPrivateNetwork && request.privateNetwork) headers.push(["access-control-allow-private-network", "true"]);
  if (policy.preflightVary !== undefined) headers.push(["vary", policy.preflightVary]);
  headers.push(["content-length", "0"]);
  await send({ type: "http.response.start", status: 200, headers });
  await send({ type: "http.response.body", body: new Uint8Array(0), more_body: false });
}

async function reject(policy: CorsPolicy, problems: string[], send: Send): Promise<void> {
  const body = latin1ToBytes(`CORS preflight rejected: ${problems.join("; ")}.\n`);
  const headers: Headers = [
    ["content-type", "text/plain; charset=utf-8"],
    ["content-length", String(body.byteLength)],
    ["x-content-type-options", "nosniff"],
  ];
  if (policy.preflightVary !== undefined) headers.push(["vary", policy.preflightVary]);
  await send({ type: "http.response.start", status: 400, headers });
  await send({ type: "http.response.body", body, more_body: false });
}

function quote(value: string): string {
  const shown = value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}...` : value;
  return `"${shown}"`;
}
