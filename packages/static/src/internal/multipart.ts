import { randomBytes } from "node:crypto";
import type { ByteRange } from "./range.js";

/** One part of a `multipart/byteranges` body: its header block, then bytes of the file. */
export interface MultipartPart {
  /** Delimiter line and part headers, ending with the blank line. */
  head: Buffer;
  range: ByteRange;
}

/** Everything needed to send a `multipart/byteranges` body of an exactly known length. */
export interface MultipartPlan {
  /** The `Content-Type` of the response, with its boundary. */
  contentType: string;
  parts: MultipartPart[];
  /** The closing delimiter. */
  tail: Buffer;
  /** Exact body length in bytes, for `Content-Length`. */
  length: number;
}

/**
 * Lays out a `multipart/byteranges` body (RFC 9110 section 14.6) for `ranges` of a
 * representation of `size` bytes whose own type is `partType`. The boundary is 24 random
 * hex characters, which cannot plausibly occur in the file.
 */
export function planMultipart(ranges: readonly ByteRange[], size: number, partType: string): MultipartPlan {
  const boundary = randomBytes(12).toString("hex");
  let length = 0;
  const parts = ranges.map((range, index) => {
    const head = Buffer.from(
      `${index === 0 ? "" : "\r\n"}--${boundary}\r\n` +
        `content-type: ${partType}\r\n` +
        `content-range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`,
      "latin1",
    );
    length += head.length + (range.end - range.start + 1);
    return { head, range };
  });
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, "latin1");
  length += tail.length;
  return { contentType: `multipart/byteranges; boundary=${boundary}`, parts, tail, length };
}
