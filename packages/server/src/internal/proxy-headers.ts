import { isIP } from "node:net";
import type { Address, Headers } from "@sluice/core";
import type { TrustedPeers } from "./trusted-peers.js";

/** What trusted proxy headers say about the original request. */
export interface ForwardedFacts {
  /** The original client, `null` when the proxy reported it as unknown; `undefined` when not stated. */
  client: Address | null | undefined;
  /** `"http"` or `"https"` when stated. */
  scheme: string | undefined;
  /** The original `Host` when stated. */
  host: string | undefined;
}

/**
 * Reads `Forwarded` (RFC 7239; preferred when present) or `X-Forwarded-For` /
 * `X-Forwarded-Proto` / `X-Forwarded-Host` from a request whose peer is trusted. The client
 * is the right-most hop that is not itself a trusted proxy (the left-most when every hop is
 * trusted), so a client cannot spoof its address by prepending entries.
 *
 * Returns `undefined` when the request carries none of these headers.
 */
export function readForwardedFacts(headers: Headers, trusted: TrustedPeers): ForwardedFacts | undefined {
  let forwarded: string | undefined;
  let xFor: string | undefined;
  let xProto: string | undefined;
  let xHost: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as [string, string];
    const name = header[0];
    if (name === "forwarded") forwarded = forwarded === undefined ? header[1] : `${forwarded},${header[1]}`;
    else if (name === "x-forwarded-for") xFor = xFor === undefined ? header[1] : `${xFor},${header[1]}`;
    else if (name === "x-forwarded-proto") xProto = header[1];
    else if (name === "x-forwarded-host") xHost = header[1];
  }
  if (forwarded !== undefined) return fromForwarded(forwarded, trusted);
  if (xFor === undefined && xProto === undefined && xHost === undefined) return undefined;
  const facts: ForwardedFacts = { client: undefined, scheme: undefined, host: undefined };
  if (xFor !== undefined) {
    const hops = xFor.split(",").map((hop) => hop.trim()).filter((hop) => hop !== "");
    const hop = pickClientHop(hops, trusted);
    if (hop !== undefined) facts.client = nodeToAddress(hop);
  }
  if (xProto !== undefined) facts.scheme = normaliseScheme(lastListItem(xProto));
  if (xHost !== undefined) {
    const host = lastListItem(xHost);
    if (host !== "") facts.host = host;
  }
  return facts;
}

function fromForwarded(value: string, trusted: TrustedPeers): ForwardedFacts {
  const elements = splitOutsideQuotes(value, ",").map(parseForwardedElement);
  const facts: ForwardedFacts = { client: undefined, scheme: undefined, host: undefined };
  let chosen: Map<string, string> | undefined;
  for (let i = elements.length - 1; i >= 0; i--) {
    const element = elements[i] as Map<string, string>;
    chosen = element;
    const node = element.get("for");
    if (node === undefined || !trusted.trusts(nodeHost(node))) break;
  }
  if (chosen === undefined) return facts;
  const node = chosen.get("for");
  if (node !== undefined) facts.client = nodeToAddress(node);
  const proto = chosen.get("proto");
  if (proto !== undefined) facts.scheme = normaliseScheme(proto);
  const host = chosen.get("host");
  if (host !== undefined && host !== "") facts.host = host;
  return facts;
}

function pickClientHop(hops: readonly string[], trusted: TrustedPeers): string | undefined {
  if (trusted.everyone) return hops[0];
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!trusted.trusts(nodeHost(hop))) return hop;
  }
  return hops[0];
}

function parseForwardedElement(element: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const pair of splitOutsideQuotes(element, ";")) {
    const equals = pair.indexOf("=");
    if (equals <= 0) continue;
    const key = pair.slice(0, equals).trim().toLowerCase();
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    if (!pairs.has(key)) pairs.set(key, value);
  }
  return pairs;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\" && quoted) i++;
    else if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part !== "");
}

/** The host part of a node (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::1`, `unknown`). */
function nodeHost(node: string): string {
  if (node.startsWith("[")) {
    const close = node.indexOf("]");
    return close === -1 ? node : node.slice(1, close);
  }
  if (isIP(node) !== 0) return node;
  const colon = node.lastIndexOf(":");
  return colon > 0 && node.indexOf(":") === colon ? node.slice(0, colon) : node;
}

function nodeToAddress(node: string): Address | null {
  const host = nodeHost(node);
  if (isIP(host) === 0) return host.toLowerCase() === "unknown" ? null : [host, 0];
  let port = 0;
  const rest = node.startsWith("[") ? node.slice(node.indexOf("]") + 1) : isIP(node) !== 0 ? "" : node.slice(host.length);
  if (rest.startsWith(":") && /^\d{1,5}$/.test(rest.slice(1))) port = Number(rest.slice(1));
  return [host, port];
}

function lastListItem(value: string): string {
  const comma = value.lastIndexOf(",");
  return (comma === -1 ? value : value.slice(comma + 1)).trim();
}

function normaliseScheme(value: string): string | undefined {
  const scheme = value.trim().toLowerCase();
  return scheme === "http" || scheme === "https" || scheme === "ws" || scheme === "wss" ? scheme : undefined;
}
