// A name part of at least 8 hexadecimal characters, after "." or "-", right before the
// extension: "app.3f9a8c1b.js", "chunk-0a1b2c3d4e.css".
const HASHED_NAME = /[.-]([0-9a-fA-F]{8,})\.[A-Za-z0-9]+$/;

/**
 * The default test for "this file name carries a content hash": a run of at least 8 hex
 * characters, mixing digits and letters (so dates such as `report-20240101.pdf` and words
 * such as `-deadbeef` do not count), between a `.` or `-` and the extension.
 */
export function looksContentHashed(relativePath: string): boolean {
  const slash = relativePath.lastIndexOf("/");
  const name = relativePath.slice(slash + 1);
  const match = HASHED_NAME.exec(name);
  const hashPart = match?.[1];
  if (hashPart === undefined) return false;
  return /[0-9]/.test(hashPart) && /[a-fA-F]/.test(hashPart);
}
