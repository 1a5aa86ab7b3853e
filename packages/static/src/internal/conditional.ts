import type { ReadonlyHeaders } from "@sluice/core";
import { getHeader } from "@sluice/core";
import { parseETagList, strongMatch, weakMatch } from "./etag.js";
import { parseHttpDate } from "./http-date.js";

/** The validators of the selected representation. */
export interface Validators {
  /** The strong ETag, quoted. */
  etag: string;
  /** Last modification time, already truncated to whole seconds (what Last-Modified says). */
  lastModifiedMs: number;
}

/** What the preconditions decided for a GET or HEAD request. */
export type PreconditionOutcome = "proceed" | "not-modified" | "precondition-failed";

/**
 * Evaluates the preconditions of a GET/HEAD request in the order of RFC 9110 section 13.2.2:
 * If-Match, else If-Unmodified-Since (failing → 412); then If-None-Match, else
 * If-Modified-Since (matching → 304). Unparseable dates are ignored, as the RFC requires.
 */
export function evaluatePreconditions(headers: ReadonlyHeaders, validators: Validators): PreconditionOutcome {
  const ifMatch = getHeader(headers, "if-match");
  if (ifMatch !== undefined) {
    if (!ifMatchPasses(ifMatch, validators.etag)) return "precondition-failed";
  } else {
    const ifUnmodifiedSince = getHeader(headers, "if-unmodified-since");
    if (ifUnmodifiedSince !== undefined) {
      const date = parseHttpDate(ifUnmodifiedSince);
      if (date !== undefined && validators.lastModifiedMs > date) return "precondition-failed";
    }
  }
  const ifNoneMatch = getHeader(headers, "if-none-match");
  if (ifNoneMatch !== undefined) {
    return ifNoneMatchPasses(ifNoneMatch, validators.etag) ? "proceed" : "not-modified";
  }
  const ifModifiedSince = getHeader(headers, "if-modified-since");
  if (ifModifiedSince !== undefined) {
    const date = parseHttpDate(ifModifiedSince);
    if (date !== undefined && validators.lastModifiedMs <= date) return "not-modified";
  }
  return "proceed";
}

/**
 * Whether a Range request may be answered partially given its If-Range header (RFC 9110
 * 13.1.5): an entity-tag must match strongly; a date must equal Last-Modified exactly.
 * No If-Range header means yes.
 */
export function ifRangeAllowsPartial(headers: ReadonlyHeaders, validators: Validators): boolean {
  const ifRange = getHeader(headers, "if-range");
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) {
    const tags = parseETagList(value);
    if (tags === undefined || tags === "*" || tags.length !== 1) return false;
    const [tag] = tags;
    return tag !== undefined && strongMatch(tag, validators.etag);
  }
  const date = parseHttpDate(value);
  return date !== undefined && date === validators.lastModifiedMs;
}

function ifMatchPasses(value: string, etag: string): boolean {
  const tags = parseETagList(value);
  if (tags === "*") return true;
  if (tags === undefined) return false;
  return tags.some((tag) => strongMatch(tag, etag));
}

function ifNoneMatchPasses(value: string, etag: string): boolean {
  const tags = parseETagList(value);
  if (tags === "*") return false;
  if (tags === undefined) return true;
  return !tags.some((tag) => weakMatch(tag, etag));
}
