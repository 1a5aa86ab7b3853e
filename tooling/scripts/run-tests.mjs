#!/usr/bin/env node
// Runs every workspace package's tests through turbo and prints one closing line with the
// totals over all packages: "N passed, N failed". Exit code: non-zero when anything failed.
//
// Each package's `test` script writes a vitest JSON report to test-report.json; turbo caches
// it with the task, so cached runs still count. A package whose test task failed without
// leaving a report (it did not build, say) counts as one failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const extraArgs = process.argv.slice(2);

function workspacePackages() {
  const folders = [];
  for (const group of ["packages", "apps", "tooling", "tests"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) folders.push(join(dir, name));
  }
  folders.push(join(root, "bench"));
  return folders
    .filter((folder) => existsSync(join(folder, "package.json")))
    .map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) }))
    .filter(({ manifest }) => typeof manifest.scripts?.test === "string");
}

const packages = workspacePackages();
for (const { folder } of packages) rmSync(join(folder, "test-report.json"), { force: true });

const setup = spawnSync("bash", [join(root, "tooling/scripts/install-system-deps.sh")], { stdio: "inherit" });
if (setup.status !== 0) console.warn("warning: system test dependencies could not all be installed; some tests will fail");

// Builds run in parallel; test suites run one package at a time, because several suites measure
// timing or memory (event-loop latency, worker scaling, streaming) and a 2-core machine shared
// by parallel suites would make those figures meaningless.
spawnSync("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"], { cwd: root, stdio: "inherit" });
const turbo = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--continue", "--concurrency=1", ...extraArgs], { cwd: root, stdio: "inherit" });

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
for (const { folder, manifest } of packages) {
  const reportPath = join(folder, "test-report.json");
  if (!existsSync(reportPath)) {
    if (extraArgs.length === 0) {
      failed += 1;
      lines.push(`${manifest.name}: no test report (the test task did not run to the end)`);
    }
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  let packageFailed = report.numFailedTests ?? 0;
  if (report.success === false && packageFailed === 0) packageFailed = Math.max(1, report.numFailedTestSuites ?? 0);
  passed += report.numPassedTests ?? 0;
  failed += packageFailed;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  lines.push(`${manifest.name}: ${report.numPassedTests ?? 0} passed, ${packageFailed} failed`);
}
console.log("\nTest totals by package:");
for (const line of lines) console.log(`  ${line}`);
if (skipped > 0) console.log(`  (${skipped} skipped or todo — not allowed in this repo)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
