import { describeValue, fail } from "./fail.js";
import { checkHeaderList, hasControlChar } from "./value-checks.js";

/** Hop-by-hop headers: they describe one connection, so only the server may set them. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Checks a sync status line: `"NNN Reason"`, code 100-599, no control characters. */
export function checkStatusLine(status: unknown): void {
  if (typeof status !== "string") fail("status-line", `startResponse status must be a string like "200 OK", got ${describeValue(status)}`, status);
  if (hasControlChar(status)) fail("status-control-chars", `startResponse status ${describeValue(status)} holds a control character`, status);
  if (!/^[1-5]\d\d \S(?:.*\S)?$/.test(status)) {
    fail("status-line", `startResponse status ${describeValue(status)} must be a three-digit code from 100 to 599, one space and a reason phrase`, status);
  }
}

/** Checks sync response headers: `[name, value]` byte-string pairs, no `Status`, no hop-by-hop headers. */
export function checkSyncHeaders(headers: unknown): void {
  checkHeaderList(headers, "startResponse headers", "any", headers);
  for (const [name] of headers as Array<[string, string]>) {
    const lower = name.toLowerCase();
    if (lower === "status") fail("header-name-status", `startResponse headers hold "${name}"; the status goes in the status argument, not a header`, headers);
    if (HOP_BY_HOP.has(lower)) {
      fail("header-hop-by-hop", `startResponse headers hold the hop-by-hop header "${name}"; connection-level headers are the server's`, headers);
    }
  }
}
