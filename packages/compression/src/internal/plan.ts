import { getHeader, type Headers, type HTTPResponseStartEvent } from "@sluice/core";
import { mediaTypeEssence } from "../compressible.js";
import { chooseCoding, parseAcceptEncoding, refusesIdentity } from "./accepted-codings.js";
import type { ResolvedOptions } from "../options.js";
import type { Codec } from "./codecs.js";
import { hasNoTransform, isAlreadyEncoded, withVaryAcceptEncoding, withWeakEtag } from "./response-headers.js";

/** What the request asked for, read once from the scope. */
export interface RequestFacts {
  /** The method is HEAD (no body goes out, so nothing is compressed). */
  isHead: boolean;
  /** All `Accept-Encoding` fields joined with `", "`, or `undefined` when there is none. */
  acceptEncoding: string | undefined;
}

/** The decision taken when the app starts its response. */
export type ResponsePlan =
  /** Send the response unencoded, with `headers` (possibly with `Vary` merged). */
  | { kind: "pass"; headers: Headers }
  /** The client refuses identity and every offered coding: answer 406 instead. */
  | { kind: "not-acceptable" }
  /**
   * Encode with `codec`, unless the body turns out too small (and `force` is false), in
   * which case send it unencoded with `identityHeaders`.
   */
  | { kind: "encode"; codec: Codec; identityHeaders: Headers; force: boolean };

/** Decides how to treat a response from its start message and the request. */
export function planResponse(request: RequestFacts, start: HTTPResponseStartEvent, options: ResolvedOptions): ResponsePlan {
  const headers = start.headers ?? [];
  const { status } = start;
  if (status < 200 || status === 204 || status === 206 || isAlreadyEncoded(headers)) return { kind: "pass", headers };

  const contentType = getHeader(headers, "content-type");
  const compressibleType = options.filter(mediaTypeEssence(contentType ?? ""));
  const noTransform = hasNoTransform(headers);
  const accepted = parseAcceptEncoding(request.acceptEncoding);
  const chosen = chooseCoding(accepted, options.codecs.map((codec) => codec.name));
  const codec = options.codecs.find((candidate) => candidate.name === chosen);

  if (status === 304) return planNotModified(headers, contentType === undefined || compressibleType, noTransform, codec);
  if (chosen === null && status < 300 && !request.isHead) return { kind: "not-acceptable" };
  if (noTransform) return { kind: "pass", headers };

  const identityRefused = refusesIdentity(accepted);
  if (!compressibleType && !identityRefused) return { kind: "pass", headers };
  const identityHeaders = withVaryAcceptEncoding(headers);
  if (request.isHead || codec === undefined) return { kind: "pass", headers: identityHeaders };
  return { kind: "encode", codec, identityHeaders, force: identityRefused };
}

/**
 * A 304 carries the validators the full response would have had: `Vary: Accept-Encoding`
 * when the type is compressible, and a weak ETag when this client would get an encoded body.
 */
function planNotModified(headers: Headers, compressible: boolean, noTransform: boolean, codec: Codec | undefined): ResponsePlan {
  if (!compressible || noTransform) return { kind: "pass", headers };
  const varied = withVaryAcceptEncoding(headers);
  return { kind: "pass", headers: codec === undefined ? varied : withWeakEtag(varied) };
}
