/**
 * Converts bytes to a latin-1 "byte string" (one char per byte), the representation of
 * protocol text such as header values and `query_string`.
 *
 * @example
 * ```ts
 * bytesToLatin1(new Uint8Array([0x68, 0x69, 0xe9])); // "hi\u00e9"
 * ```
 */
export function bytesToLatin1(bytes: Uint8Array): string {
  let out = "";
  const step = 8192;
  for (let i = 0; i < bytes.length; i += step) {
    out += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return out;
}

/**
 * Converts a latin-1 byte string to bytes. Throws a `RangeError` when a char code is above 255
 * (that string is not a byte string).
 *
 * @example
 * ```ts
 * latin1ToBytes("caf\u00e9"); // Uint8Array [0x63, 0x61, 0x66, 0xe9]
 * ```
 */
export function latin1ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) {
      throw new RangeError(`latin1ToBytes: char code ${code} at index ${i} is not a byte (byte strings hold only 0-255)`);
    }
    out[i] = code;
  }
  return out;
}

/**
 * Whether every char code of `text` is a byte (0–255), i.e. it is a valid byte string.
 *
 * @example
 * ```ts
 * isByteString("plain"); // true
 * isByteString("€");     // false
 * ```
 */
export function isByteString(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\u0000-\u00ff]/.test(text);
}

/**
 * Re-reads a latin-1 byte string as UTF-8 text (e.g. a header value a browser sent in UTF-8).
 *
 * @example
 * ```ts
 * latin1ToUtf8("caf\u00c3\u00a9"); // "café"
 * ```
 */
export function latin1ToUtf8(text: string): string {
  return new TextDecoder().decode(latin1ToBytes(text));
}

/**
 * Encodes UTF-8 text as a latin-1 byte string of its UTF-8 bytes (for header values).
 *
 * @example
 * ```ts
 * utf8ToLatin1("café"); // "caf\u00c3\u00a9"
 * ```
 */
export function utf8ToLatin1(text: string): string {
  return bytesToLatin1(new TextEncoder().encode(text));
}
