import { describe, expect, it } from "vitest";
import { parseStatusLine, reasonPhrase, statusLine } from "./status.js";

describe("status helpers", () => {
  it("knows the reason phrases of common and newer codes", () => {
    expect(reasonPhrase(200)).toBe("OK");
    expect(reasonPhrase(404)).toBe("Not Found");
    expect(reasonPhrase(413)).toBe("Content Too Large");
    expect(reasonPhrase(103)).toBe("Early Hints");
  });

  it('answers "Unknown" for an unregistered code', () => {
    expect(reasonPhrase(299)).toBe("Unknown");
    expect(reasonPhrase(-1)).toBe("Unknown");
  });

  it("builds a sync status line", () => {
    expect(statusLine(201)).toBe("201 Created");
  });

  it("parses the code out of a status line", () => {
    expect(parseStatusLine("404 Not Found")).toBe(404);
    expect(parseStatusLine("599 Custom Thing")).toBe(599);
  });

  it("rejects status lines without a reason separator or with a bad code", () => {
    expect(() => parseStatusLine("200")).toThrow(RangeError);
    expect(() => parseStatusLine("OK 200")).toThrow(/must be a three-digit code, a space and a reason phrase/);
    expect(() => parseStatusLine("600 Nope")).toThrow(RangeError);
    expect(() => parseStatusLine("20 OK")).toThrow(RangeError);
  });
});
