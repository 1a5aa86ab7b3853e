import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_RULES, SYNC_RULES } from "./internal/rules.js";

const here = new URL(".", import.meta.url);
const read = (relative: string): string => readFileSync(new URL(relative, here), "utf8");
const spec = read("../SPEC.md");

/** Rule ids a test file asserts with `expectRule(error, "id", /message/)`. */
function rulesTestedIn(file: string): Set<string> {
  const calls = read(file).split("expectRule(").slice(1);
  return new Set(calls.flatMap((call) => /"([a-z0-9-]+)",\s*\//.exec(call)?.[1] ?? []));
}

/** Rule ids thrown by the validator sources (`fail("id", …)` and the helpers taking a rule). */
function rulesThrownIn(files: string[]): Set<string> {
  const ids = new Set<string>();
  for (const file of files) {
    for (const match of read(file).matchAll(/fail\(\s*"([a-z0-9-]+)"/g)) ids.add(match[1] as string);
  }
  return ids;
}

/** The rule ids listed in one section's table of SPEC.md. */
function rulesListedInSpec(heading: string): string[] {
  const start = spec.indexOf(heading);
  const section = spec.slice(start, spec.indexOf("\n### ", start + heading.length));
  return [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((match) => match[1] as string);
}

const internal = readdirSync(new URL("internal/", here)).map((name) => `internal/${name}`);
const asyncSources = ["validate-app.ts", ...internal.filter((file) => /checker|scope-checks|value-checks|connection/.test(file))];
const syncSources = ["validate-sync-app.ts", ...internal.filter((file) => /environ|sync-|value-checks/.test(file))];

describe("validator rule catalog", () => {
  it("lists every validateApp rule in SPEC.md section 6.1, in catalog order", () => {
    expect(rulesListedInSpec("### 6.1")).toEqual(Object.keys(APP_RULES));
  });

  it("lists every validateSyncApp rule in SPEC.md section 6.2, in catalog order", () => {
    expect(rulesListedInSpec("### 6.2")).toEqual(Object.keys(SYNC_RULES));
  });

  it("has a validateApp test asserting each of its rules", () => {
    const tested = rulesTestedIn("validate-app.test.ts");
    expect(Object.keys(APP_RULES).filter((rule) => !tested.has(rule))).toEqual([]);
  });

  it("has a validateSyncApp test asserting each of its rules", () => {
    const tested = rulesTestedIn("validate-sync-app.test.ts");
    expect(Object.keys(SYNC_RULES).filter((rule) => !tested.has(rule))).toEqual([]);
  });

  it("catalogs every rule id the async checks can throw", () => {
    const thrown = [...rulesThrownIn(asyncSources)].filter((rule) => !(rule in APP_RULES));
    expect(thrown).toEqual([]);
  });

  it("catalogs every rule id the sync checks can throw", () => {
    // The shared header checks can throw header-name-lowercase only in the async interface's lowercase mode.
    const asyncOnly = new Set(["header-name-lowercase"]);
    const thrown = [...rulesThrownIn(syncSources)].filter((rule) => !(rule in SYNC_RULES) && !asyncOnly.has(rule));
    expect(thrown).toEqual([]);
  });
});
