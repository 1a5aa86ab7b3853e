// `pnpm bench [name-filter …] [--rounds N] [--duration S] [--list] [--report-only]`
// Runs every scenario in src/scenarios/*.ts whose name contains one of the filters (all when
// none), saves results/<scenario>.json and regenerates RESULTS.md and results.svg.
import { readdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Scenario } from "./harness.js";
import { writeReport, saveResult } from "./report.js";
import { runScenario } from "./run-scenario.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "8" },
    list: { type: "boolean", default: false },
    "report-only": { type: "boolean", default: false },
  },
});

async function loadScenarios(): Promise<Scenario[]> {
  const dir = new URL("./scenarios/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".ts")).sort();
  const modules = await Promise.all(files.map(async (f) => (await import(new URL(f, dir).href)) as { scenarios?: Scenario[] }));
  return modules.flatMap((m) => m.scenarios ?? []);
}

if (!values["report-only"]) {
  const all = await loadScenarios();
  const chosen = positionals.length === 0 ? all : all.filter((s) => positionals.some((p) => s.name.includes(p)));
  if (values.list) {
    for (const s of all) console.log(`${s.name}\t${s.title}`);
    process.exit(0);
  }
  if (chosen.length === 0) {
    console.error(`no scenario matches ${positionals.join(", ")}; try --list`);
    process.exit(2);
  }
  const rounds = Number(values.rounds);
  const durationSeconds = Number(values.duration);
  for (const scenario of chosen) {
    console.log(`${scenario.name}: ${scenario.title}`);
    const result = await runScenario(scenario, { rounds, durationSeconds, log: (line) => console.log(line) });
    await saveResult(result);
    for (const c of result.contenders) console.log(`  ${c.name}: ratio ${c.ratio.toFixed(2)}`);
  }
}
await writeReport();
console.log("wrote bench/RESULTS.md and bench/results.svg");
