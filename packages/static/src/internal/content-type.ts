import { extname } from "node:path";
import mime from "mime-types";

const FALLBACK_TYPE = "application/octet-stream";

/**
 * The Content-Type for a file name, from `mime-types` (mime-db), with `charset=utf-8` added
 * for text types; `application/octet-stream` when the extension is unknown.
 */
export function contentTypeFor(fileName: string): string {
  const extension = extname(fileName);
  if (extension === "") return FALLBACK_TYPE;
  return mime.contentType(extension) || FALLBACK_TYPE;
}
