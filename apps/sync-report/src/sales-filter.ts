import { DAY_COUNT, FIRST_DAY, REGIONS, type Region } from "./catalog.js";
import { RequestError } from "./request-error.js";

/** Which sales a page covers: an inclusive day range and optionally one region. */
export interface SalesFilter {
  /** First day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  readonly to: string;
  /** Only this region; `undefined` means all regions. */
  readonly region: Region | undefined;
}

/** The last day of the dataset. */
export const LAST_DAY = new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + (DAY_COUNT - 1) * 86_400_000).toISOString().slice(0, 10);

/** The filter of a page asked for without parameters: every sale. */
export const ALL_SALES: SalesFilter = { from: FIRST_DAY, to: LAST_DAY, region: undefined };

/**
 * The query parameters of one request, checked: each name must be one the page knows and
 * appear at most once. Values are percent-decoded as UTF-8.
 */
export class QueryParameters {
  readonly #values: Map<string, string>;

  private constructor(values: Map<string, string>) {
    this.#values = values;
  }

  /**
   * Parses `QUERY_STRING`.
   *
   * @param queryString the raw query string (no `?`)
   * @param allowed the parameter names this page understands
   * @throws RequestError (400) for an unknown or repeated parameter
   */
  static parse(queryString: string, allowed: readonly string[]): QueryParameters {
    const values = new Map<string, string>();
    for (const [name, value] of new URLSearchParams(queryString)) {
      if (!allowed.includes(name)) {
        throw RequestError.badQuery(`unknown query parameter ${JSON.stringify(name)}; this page accepts ${allowed.join(", ")}`);
      }
      if (values.has(name)) throw RequestError.badQuery(`query parameter ${JSON.stringify(name)} is given more than once`);
      values.set(name, value);
    }
    return new QueryParameters(values);
  }

  /** The value of `name`, or `undefined` when absent or empty. */
  get(name: string): string | undefined {
    const value = this.#values.get(name);
    return value === "" ? undefined : value;
  }

  /** `from`, `to` and `region` as a `SalesFilter`, defaulting to every sale. */
  salesFilter(): SalesFilter {
    const from = this.#day("from", ALL_SALES.from);
    const to = this.#day("to", ALL_SALES.to);
    if (from > to) throw RequestError.badQuery(`the date range is empty: "from" (${from}) is after "to" (${to})`);
    const region = this.get("region");
    if (region !== undefined && !isRegion(region)) {
      throw RequestError.badQuery(`unknown region ${JSON.stringify(region)}; regions are ${REGIONS.join(", ")}`);
    }
    return { from, to, region };
  }

  /**
   * An integer parameter within `[min, max]`.
   *
   * @throws RequestError (400) when it is not a whole number in range
   */
  integer(name: string, fallback: number, min: number, max: number): number {
    const text = this.get(name);
    if (text === undefined) return fallback;
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) {
      throw RequestError.badQuery(`"${name}" must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    }
    return value;
  }

  /**
   * A parameter restricted to a few words.
   *
   * @throws RequestError (400) for any other value
   */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const text = this.get(name);
    if (text === undefined) return fallback;
    if (!(choices as readonly string[]).includes(text)) {
      throw RequestError.badQuery(`"${name}" must be one of ${choices.join(", ")}, got ${JSON.stringify(text)}`);
    }
    return text as T;
  }

  #day(name: string, fallback: string): string {
    const text = this.get(name);
    if (text === undefined) return fallback;
    if (!isCalendarDay(text)) throw RequestError.badQuery(`"${name}" must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(text)}`);
    return text;
  }
}

function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === text;
}

function isRegion(text: string): text is Region {
  return (REGIONS as readonly string[]).includes(text);
}
