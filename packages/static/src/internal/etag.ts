import { hash } from "node:crypto";

/** The facts about a file that its ETag is derived from. */
export interface ETagSource {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** One entity-tag from a request header. */
export interface EntityTag {
  /** `true` for `W/"…"`. */
  weak: boolean;
  /** The quoted part, including its quotes (`"abc"`). */
  opaque: string;
}

/**
 * A strong ETag (`"…"`) for a file representation: a hash of device, inode, size and
 * modification time plus the content coding, so each precompressed sibling has its own tag and
 * the inode number is not disclosed.
 */
export function makeETag(file: ETagSource, encoding: string): string {
  const digest = hash("sha1", `${file.dev}:${file.ino}:${file.size}:${file.mtimeMs}:${encoding}`, "base64url");
  return `"${digest.slice(0, 22)}"`;
}

/**
 * Parses an `If-Match` / `If-None-Match` value: either `"*"` or a list of entity-tags.
 * Returns `undefined` for a malformed value (callers then treat the condition as not met
 * for If-None-Match and as failed for If-Match, the conservative readings).
 */
export function parseETagList(value: string): "*" | EntityTag[] | undefined {
  const text = value.trim();
  if (text === "*") return "*";
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === " " || char === "\t" || char === ",") {
      i++;
      continue;
    }
    let weak = false;
    if (char === "W" && text[i + 1] === "/") {
      weak = true;
      i += 2;
    }
    if (text[i] !== '"') return undefined;
    const close = text.indexOf('"', i + 1);
    if (close === -1) return undefined;
    const opaque = text.slice(i, close + 1);
    if (!isValidOpaque(opaque)) return undefined;
    tags.push({ weak, opaque });
    i = close + 1;
    // After a tag only optional whitespace and a comma (or the end) may follow.
    while (text[i] === " " || text[i] === "\t") i++;
    if (i < text.length && text[i] !== ",") return undefined;
  }
  return tags;
}

/** The opaque part of one of our strong ETags (they are never weak). */
function opaqueOf(etag: string): string {
  return etag.startsWith("W/") ? etag.slice(2) : etag;
}

/** Strong comparison (RFC 9110 8.8.3.2): both tags strong and their opaque parts equal. */
export function strongMatch(tag: EntityTag, current: string): boolean {
  return !tag.weak && !current.startsWith("W/") && tag.opaque === current;
}

/** Weak comparison: opaque parts equal, weakness ignored. */
export function weakMatch(tag: EntityTag, current: string): boolean {
  return tag.opaque === opaqueOf(current);
}

function isValidOpaque(opaque: string): boolean {
  for (let i = 1; i < opaque.length - 1; i++) {
    const code = opaque.charCodeAt(i);
    // etagc = %x21 / %x23-7E / obs-text (%x80-FF)
    if (code < 0x21 || code === 0x22 || code === 0x7f || code > 0xff) return false;
  }
  return true;
}
