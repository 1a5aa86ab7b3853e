import { splitHeaderList } from "./headers.js";

/**
 * One element of a quality-weighted header list (`Accept`, `Accept-Encoding`,
 * `Accept-Language`, `TE`): its value and its weight.
 *
 * @example
 * ```ts
 * const item: QualityItem = { value: "gzip", q: 0.5 };
 * ```
 */
export interface QualityItem {
  /** The element before its first `;`, trimmed and lower-cased (these values compare case-insensitively). */
  readonly value: string;
  /** The weight from 0 to 1: the element's `q` parameter, or 1 when it has none. `0` means "not acceptable". */
  readonly q: number;
}

/** RFC 9110 §12.4.2 qvalue: `0`, `0.` + up to three digits, `1`, `1.` + up to three zeros. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Parses a quality-weighted list such as an `Accept-Encoding` value into its elements, in
 * the order written (RFC 9110 §12.4.2). Each element's value is the text before its first `;`,
 * trimmed and lower-cased; its `q` is the `q` parameter (name case-insensitive, spaces around
 * `=` allowed), or 1 when absent. Other parameters are ignored. Empty elements are skipped, and
 * an element whose `q` is not a valid qvalue (`q=2`, `q=abc`, a bare `q`) is dropped whole, so
 * a malformed weight never turns into "fully acceptable". Duplicates are kept: callers decide
 * how to combine them. Never throws. Elements are split at every comma, so a quoted parameter
 * value that contains one (possible in `Accept`, never in `Accept-Encoding`) is not supported.
 *
 * @param value the field value (several fields joined with `", "`)
 * @returns the well-formed elements in order
 *
 * @example
 * ```ts
 * parseQualityList("gzip, BR;q=0.5, *;q=0");
 * // [{ value: "gzip", q: 1 }, { value: "br", q: 0.5 }, { value: "*", q: 0 }]
 * parseQualityList("br;q=2, gzip"); // [{ value: "gzip", q: 1 }]
 * ```
 */
export function parseQualityList(value: string): QualityItem[] {
  const items: QualityItem[] = [];
  for (const element of splitHeaderList(value)) {
    const [head = "", ...params] = element.split(";");
    const name = head.trim().toLowerCase();
    if (name === "") continue;
    const q = weightOf(params);
    if (q !== undefined) items.push({ value: name, q });
  }
  return items;
}

/** The `q` among `params` (1 when there is none), or `undefined` when it is malformed. */
function weightOf(params: readonly string[]): number | undefined {
  let q = 1;
  for (const param of params) {
    const eq = param.indexOf("=");
    const name = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase();
    if (name !== "q") continue;
    const text = eq === -1 ? "" : param.slice(eq + 1).trim();
    if (!QVALUE.test(text)) return undefined;
    q = Number(text);
  }
  return q;
}
