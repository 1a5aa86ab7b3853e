import { describe, expect, it } from "vitest";
import { planMultipart } from "./multipart.js";

describe("planMultipart", () => {
  it("computes the exact body length of the parts and delimiters", () => {
    const plan = planMultipart(
      [
        { start: 0, end: 9 },
        { start: 20, end: 29 },
      ],
      100,
      "text/plain; charset=utf-8",
    );
    const total = plan.parts.reduce((sum, part) => sum + part.head.length + (part.range.end - part.range.start + 1), 0) + plan.tail.length;
    expect(plan.length).toBe(total);
  });

  it("uses a fresh random boundary each time", () => {
    const a = planMultipart([{ start: 0, end: 0 }], 1, "text/plain").contentType;
    const b = planMultipart([{ start: 0, end: 0 }], 1, "text/plain").contentType;
    expect(a).toMatch(/^multipart\/byteranges; boundary=[0-9a-f]{24}$/);
    expect(a).not.toBe(b);
  });

  it("labels each part with its type and range", () => {
    const plan = planMultipart([{ start: 5, end: 7 }], 50, "image/png");
    expect(plan.parts[0]?.head.toString("latin1")).toMatch(/^--[0-9a-f]{24}\r\ncontent-type: image\/png\r\ncontent-range: bytes 5-7\/50\r\n\r\n$/);
  });
});
