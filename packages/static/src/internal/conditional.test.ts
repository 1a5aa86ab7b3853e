import { describe, expect, it } from "vitest";
import { evaluatePreconditions, ifRangeAllowsPartial } from "./conditional.js";

const validators = { etag: '"v1"', lastModifiedMs: Date.UTC(2024, 0, 10, 12, 0, 0) };
const BEFORE = "Tue, 09 Jan 2024 12:00:00 GMT";
const SAME = "Wed, 10 Jan 2024 12:00:00 GMT";
const AFTER = "Thu, 11 Jan 2024 12:00:00 GMT";

function outcome(headers: Record<string, string>) {
  return evaluatePreconditions(Object.entries(headers), validators);
}

describe("evaluatePreconditions", () => {
  it("proceeds without conditional headers", () => {
    expect(outcome({})).toBe("proceed");
  });

  it("fails If-Match when no tag matches strongly", () => {
    expect(outcome({ "if-match": '"other"' })).toBe("precondition-failed");
    expect(outcome({ "if-match": 'W/"v1"' })).toBe("precondition-failed");
  });

  it("passes If-Match with a matching tag or a star", () => {
    expect(outcome({ "if-match": '"x", "v1"' })).toBe("proceed");
    expect(outcome({ "if-match": "*" })).toBe("proceed");
  });

  it("fails If-Unmodified-Since when modified after the date", () => {
    expect(outcome({ "if-unmodified-since": BEFORE })).toBe("precondition-failed");
    expect(outcome({ "if-unmodified-since": SAME })).toBe("proceed");
  });

  it("ignores If-Unmodified-Since when If-Match is present", () => {
    expect(outcome({ "if-match": '"v1"', "if-unmodified-since": BEFORE })).toBe("proceed");
  });

  it("ignores an invalid If-Unmodified-Since date", () => {
    expect(outcome({ "if-unmodified-since": "yesterday" })).toBe("proceed");
  });

  it("answers not-modified when If-None-Match matches weakly", () => {
    expect(outcome({ "if-none-match": 'W/"v1"' })).toBe("not-modified");
    expect(outcome({ "if-none-match": '"a", "v1"' })).toBe("not-modified");
    expect(outcome({ "if-none-match": "*" })).toBe("not-modified");
  });

  it("proceeds when If-None-Match does not match", () => {
    expect(outcome({ "if-none-match": '"v0"' })).toBe("proceed");
  });

  it("answers not-modified when not modified since the date", () => {
    expect(outcome({ "if-modified-since": SAME })).toBe("not-modified");
    expect(outcome({ "if-modified-since": AFTER })).toBe("not-modified");
    expect(outcome({ "if-modified-since": BEFORE })).toBe("proceed");
  });

  it("ignores If-Modified-Since when If-None-Match is present", () => {
    expect(outcome({ "if-none-match": '"v0"', "if-modified-since": AFTER })).toBe("proceed");
  });

  it("checks If-Match before If-None-Match", () => {
    expect(outcome({ "if-match": '"nope"', "if-none-match": '"v1"' })).toBe("precondition-failed");
  });
});

describe("ifRangeAllowsPartial", () => {
  function allows(value: string | undefined) {
    return ifRangeAllowsPartial(value === undefined ? [] : [["if-range", value]], validators);
  }

  it("allows ranges without If-Range", () => {
    expect(allows(undefined)).toBe(true);
  });

  it("allows ranges when the entity-tag matches strongly", () => {
    expect(allows('"v1"')).toBe(true);
  });

  it("refuses a weak or different entity-tag", () => {
    expect(allows('W/"v1"')).toBe(false);
    expect(allows('"v0"')).toBe(false);
  });

  it("allows ranges only for a date equal to Last-Modified", () => {
    expect(allows(SAME)).toBe(true);
    expect(allows(AFTER)).toBe(false);
    expect(allows(BEFORE)).toBe(false);
  });

  it("refuses an unparseable value", () => {
    expect(allows("soon")).toBe(false);
  });
});
