import { describe, expect, it } from "vitest";
import { LookupCache } from "./lookup-cache.js";

describe("LookupCache", () => {
  it("returns what was stored before it expires", () => {
    const cache = new LookupCache<number>(10, 1000);
    cache.set("a", 1, 0);
    expect(cache.get("a", 999)).toBe(1);
  });

  it("forgets entries once their time to live has passed", () => {
    const cache = new LookupCache<number>(10, 1000);
    cache.set("a", 1, 0);
    expect(cache.get("a", 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("evicts the least recently used entry when full", () => {
    const cache = new LookupCache<number>(2, 1000);
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    cache.get("a", 1);
    cache.set("c", 3, 2);
    expect(cache.get("b", 3)).toBeUndefined();
    expect(cache.get("a", 3)).toBe(1);
    expect(cache.get("c", 3)).toBe(3);
  });
});
