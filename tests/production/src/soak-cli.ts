// pnpm soak  (root)  =  pnpm --filter @sluice/production-tests soak
//   [--requests 200000] [--websocket-cycles 2000] [--aborted-uploads 1000] [--warm-up-fraction 1] [--no-save]
// Soaks a `sluice` child process and checks that memory after GC returns to within 10% of
// the post-warm-up level and that no handle is left behind. Prints a table, writes
// bench/results/soak.json (the bench harness's ScenarioResult shape, so `pnpm bench
// --report-only` lists it in bench/RESULTS.md), and exits 1 when the soak failed.
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runSoak, type SoakOutcome } from "./soak/soak.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    requests: { type: "string", default: "200000" },
    "websocket-cycles": { type: "string", default: "2000" },
    "aborted-uploads": { type: "string", default: "1000" },
    "warm-up-fraction": { type: "string", default: "1" },
    "no-save": { type: "boolean", default: false },
  },
});

const RESULT_FILE = fileURLToPath(new URL("../../../bench/results/soak.json", import.meta.url));
const MiB = 2 ** 20;

function figures(outcome: SoakOutcome): Record<string, number> {
  return {
    rssGrowthPercent: outcome.rssGrowthPercent,
    heapGrowthPercent: outcome.heapGrowthPercent,
    rssAfterWarmUpMiB: outcome.warmUp.rss / MiB,
    rssAfterMiB: outcome.after.rss / MiB,
    heapAfterWarmUpMiB: outcome.warmUp.heapUsed / MiB,
    heapAfterMiB: outcome.after.heapUsed / MiB,
    heapTotalAfterWarmUpMiB: outcome.warmUp.heapTotal / MiB,
    heapTotalAfterMiB: outcome.after.heapTotal / MiB,
    rssAfterQuarter1MiB: (outcome.rssSeries[0] ?? Number.NaN) / MiB,
    rssAfterQuarter2MiB: (outcome.rssSeries[1] ?? Number.NaN) / MiB,
    rssAfterQuarter3MiB: (outcome.rssSeries[2] ?? Number.NaN) / MiB,
    handlesAfterWarmUp: outcome.warmUp.handles,
    handlesAfter: outcome.after.handles,
    requests: outcome.load.requests.ok,
    requestsPerSecond: outcome.load.requests.ok / outcome.loadSeconds,
    websocketCycles: outcome.load.websocket.ok,
    abortedUploads: outcome.load.uploads.ok,
    failures: outcome.load.requests.failed + outcome.load.websocket.failed + outcome.load.uploads.failed,
    loadSeconds: outcome.loadSeconds,
  };
}

const main = {
  requests: Number(values.requests),
  websocketCycles: Number(values["websocket-cycles"]),
  abortedUploads: Number(values["aborted-uploads"]),
};
// The warm-up is the same mix at the same volume. Under this allocation rate V8 widens its
// young generation (heapTotal ~24 -> ~41 MiB, RSS ~80 -> ~103 MiB) over the first ~200,000
// requests and then stays put while heapUsed is flat; a warm-up that long measures what the
// soak is about (growth with the volume of work, i.e. leaks), not V8's adaptive sizing.
const fraction = Number(values["warm-up-fraction"]);
const warmUp = {
  requests: Math.ceil(main.requests * fraction),
  websocketCycles: Math.ceil(main.websocketCycles * fraction),
  abortedUploads: Math.ceil(main.abortedUploads * fraction),
};
const outcome = await runSoak(main, warmUp, 10, (line) => console.log(line));
const table = figures(outcome);
console.log(`\n${"figure".padEnd(24)} value`);
for (const [name, value] of Object.entries(table)) console.log(`${name.padEnd(24)} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
console.log(`\nactive handles after warm-up: ${JSON.stringify(outcome.warmUp.resources)}`);
console.log(`active handles after soak:    ${JSON.stringify(outcome.after.resources)}`);
console.log(outcome.passed ? "\nsoak passed" : `\nsoak FAILED:\n  ${outcome.problems.join("\n  ")}`);

if (!values["no-save"]) {
  const result = {
    scenario: "soak",
    title: `Soak: ${main.requests.toLocaleString("en-US")} keep-alive requests, ${main.websocketCycles.toLocaleString("en-US")} WebSocket cycles, ${main.abortedUploads.toLocaleString("en-US")} aborted uploads (RSS growth after GC vs after warm-up)`,
    metric: { name: "rssGrowthPercent", unit: "%", higherIsBetter: false },
    baseline: "after warm-up",
    target: undefined,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    rounds: 1,
    durationSeconds: Math.round(outcome.seconds),
    contenders: [{ name: "sluice", runs: [table], median: table, ratio: Number.NaN }],
  };
  await writeFile(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE}`);
}
process.exitCode = outcome.passed ? 0 : 1;
