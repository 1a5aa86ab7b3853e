const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// obsolete asctime: "Sun Nov  6 08:49:37 1994"
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Formats milliseconds since the epoch as an IMF-fixdate (whole seconds).
 */
export function formatHttpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/**
 * Parses an HTTP-date in any of the three formats RFC 9110 section 5.6.7 requires recipients
 * to accept. Returns milliseconds since the epoch, or `undefined` when the value is not a
 * valid HTTP-date (callers then ignore the header, as the RFC says).
 */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) return build(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = RFC850_DATE.exec(text);
  if (match !== null) {
    const shortYear = Number(match[3]);
    // Two-digit years: RFC 9110 says interpret a year more than 50 years ahead as the past century.
    const currentYear = new Date().getUTCFullYear();
    let year = 1900 + shortYear;
    while (year + 100 <= currentYear + 50) year += 100;
    return build(String(year), match[2], match[1], match[4], match[5], match[6]);
  }
  match = ASCTIME_DATE.exec(text);
  if (match !== null) return build(match[6], match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

function build(
  year: string | undefined,
  monthName: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf(monthName ?? "");
  if (month === -1) return undefined;
  const parts = [Number(year), Number(day?.trim()), Number(hour), Number(minute), Number(second)] as const;
  const [y, d, h, m, s] = parts;
  if (d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const epochMs = Date.UTC(y, month, d, h, m, Math.min(s, 59));
  const check = new Date(epochMs);
  // Reject dates such as 31 Feb that Date.UTC would silently roll over.
  if (check.getUTCDate() !== d) return undefined;
  return epochMs;
}
