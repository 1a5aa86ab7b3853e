import { describe, expect, it } from "vitest";
import { RequestError } from "./request-error.js";
import { ALL_SALES, LAST_DAY, QueryParameters } from "./sales-filter.js";

const RANGE = ["from", "to", "region"];

function refusal(run: () => unknown): RequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error("expected a RequestError");
}

describe("QueryParameters.salesFilter", () => {
  it("covers every sale when no parameter is given", () => {
    expect(QueryParameters.parse("", RANGE).salesFilter()).toEqual(ALL_SALES);
    expect(LAST_DAY).toBe("2025-12-31");
  });

  it("reads a day range and a region", () => {
    expect(QueryParameters.parse("from=2024-03-01&to=2024-03-31&region=west", RANGE).salesFilter()).toEqual({ from: "2024-03-01", to: "2024-03-31", region: "west" });
  });

  it("treats an empty region as all regions, as the index form sends it", () => {
    expect(QueryParameters.parse("region=", RANGE).salesFilter().region).toBeUndefined();
  });

  it("refuses a date not written YYYY-MM-DD with a 400 naming the parameter", () => {
    const error = refusal(() => QueryParameters.parse("from=03/01/2024", RANGE).salesFilter());
    expect(error.status).toBe(400);
    expect(error.code).toBe("ERR_BAD_QUERY");
    expect(error.message).toBe('"from" must be a calendar date written YYYY-MM-DD, got "03/01/2024"');
  });

  it("refuses a day that does not exist", () => {
    expect(refusal(() => QueryParameters.parse("to=2025-02-29", RANGE).salesFilter()).message).toMatch(/"to" must be a calendar date/);
  });

  it("refuses a range whose start is after its end", () => {
    expect(refusal(() => QueryParameters.parse("from=2025-06-02&to=2025-06-01", RANGE).salesFilter()).message).toBe(
      'the date range is empty: "from" (2025-06-02) is after "to" (2025-06-01)',
    );
  });

  it("refuses an unknown region and lists the known ones", () => {
    expect(refusal(() => QueryParameters.parse("region=atlantis", RANGE).salesFilter()).message).toMatch(/^unknown region "atlantis"; regions are north, south/);
  });
});

describe("QueryParameters.parse", () => {
  it("refuses a parameter the page does not know", () => {
    expect(refusal(() => QueryParameters.parse("form=2024-01-01", RANGE)).message).toBe('unknown query parameter "form"; this page accepts from, to, region');
  });

  it("refuses a parameter given twice", () => {
    expect(refusal(() => QueryParameters.parse("from=2024-01-01&from=2024-02-01", RANGE)).message).toBe('query parameter "from" is given more than once');
  });
});

describe("QueryParameters.integer and choice", () => {
  it("reads a whole number within bounds and falls back when absent", () => {
    expect(QueryParameters.parse("resamples=25", ["resamples"]).integer("resamples", 40, 0, 1000)).toBe(25);
    expect(QueryParameters.parse("", ["resamples"]).integer("resamples", 40, 0, 1000)).toBe(40);
  });

  it("refuses numbers out of range, fractions and words", () => {
    for (const text of ["1001", "2.5", "-1", "many"]) {
      expect(refusal(() => QueryParameters.parse(`resamples=${text}`, ["resamples"]).integer("resamples", 40, 0, 1000)).message).toBe(
        `"resamples" must be a whole number from 0 to 1000, got "${text}"`,
      );
    }
  });

  it("refuses a word outside the choices", () => {
    expect(refusal(() => QueryParameters.parse("via=fax", ["via"]).choice("via", ["iterable", "write"], "iterable")).message).toBe(
      '"via" must be one of iterable, write, got "fax"',
    );
  });
});
