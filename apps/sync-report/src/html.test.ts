import { describe, expect, it } from "vitest";
import { escapeHtml, formatMoney } from "./html.js";

describe("escapeHtml", () => {
  it("escapes the characters that could end an element or attribute", () => {
    expect(escapeHtml(`Notebook, "Squared" <A4> & 'co'`)).toBe("Notebook, &quot;Squared&quot; &lt;A4&gt; &amp; &#39;co&#39;");
  });
});

describe("formatMoney", () => {
  it("writes cents as units with two decimals and thousands separators", () => {
    expect(formatMoney(123_456_789)).toBe("1,234,567.89");
    expect(formatMoney(5)).toBe("0.05");
  });
});
