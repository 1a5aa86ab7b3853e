import { isByteString } from "../latin1.js";
import { describeValue, fail } from "./fail.js";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values may hold HTAB, visible ASCII and obs-text (0x80-0xff); never CR, LF, NUL or other controls.
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\x00-\x1f\x7f]/;

/** Whether `value` holds a control character (0x00-0x1f or 0x7f). */
export function hasControlChar(value: string): boolean {
  return CONTROL_CHAR.test(value);
}

/** Whether `value` is an HTTP token (RFC 9110 `tchar`s, at least one). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** How header names must be cased: the async interface wants lowercase; the sync one allows any case. */
export type NameCase = "lowercase" | "any";

/**
 * Checks a header list: an array of `[name, value]` string pairs, both byte strings, a token
 * name (lowercase when `nameCase` says so) and a value without control characters.
 */
export function checkHeaderList(headers: unknown, where: string, nameCase: NameCase, event: unknown): void {
  if (!Array.isArray(headers)) {
    fail("headers-type", `${where} must be an array of [name, value] pairs, got ${describeValue(headers)}`, event);
  }
  for (let i = 0; i < headers.length; i++) {
    const pair: unknown = headers[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      fail("headers-type", `${where}[${i}] must be a [name, value] pair of two strings, got ${describeValue(pair)}`, event);
    }
    checkHeader(pair[0], pair[1], `${where}[${i}]`, nameCase, event);
  }
}

function checkHeader(name: string, value: string, where: string, nameCase: NameCase, event: unknown): void {
  if (!isByteString(name) || !isByteString(value)) {
    fail("headers-byte-string", `${where} holds a character above U+00FF; header names and values are latin-1 byte strings (encode UTF-8 text with utf8ToLatin1)`, event);
  }
  if (!isToken(name)) {
    fail("header-name-token", `${where} name ${describeValue(name)} is not an HTTP token (letters, digits and !#$%&'*+-.^_\`|~ only)`, event);
  }
  if (nameCase === "lowercase" && /[A-Z]/.test(name)) {
    fail("header-name-lowercase", `${where} name ${describeValue(name)} must be lowercase`, event);
  }
  if (BAD_VALUE_CHAR.test(value)) {
    fail("header-value-chars", `${where} value of ${describeValue(name)} holds a control character (CR, LF, NUL or another control); header values must not`, event);
  }
}

/** Whether `value` is an integer in `[min, max]`. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
