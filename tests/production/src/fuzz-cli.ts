// pnpm --filter @sluice/production-tests fuzz -- [--seconds 600] [--seed N] [--mode http|websocket|both]
//                                               [--replay FILE.bin --mode http|websocket]
// A long mutation-fuzzing run against a `sluice` child process serving the fixture app.
// Exit code 1 when any case crashed the server, hung, or drew an unexplained 5xx; the
// reproducers are written under tests/production/.fuzz-crashes/.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { runFuzz, type FuzzReport } from "./fuzz/fuzzer.js";
import { CRASH_DIR, startFuzzTarget } from "./fuzz/fuzz-target.js";
import { responseStatuses, sendCase } from "./fuzz/send-case.js";
import { WEBSOCKET_HANDSHAKE } from "./fuzz/websocket-corpus.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    seconds: { type: "string", default: "60" },
    seed: { type: "string" },
    mode: { type: "string", default: "both" },
    replay: { type: "string" },
  },
});

async function replay(file: string, mode: string): Promise<number> {
  const target = await startFuzzTarget();
  try {
    const payload = await readFile(file);
    const outcome = await sendCase(target.sluice.port, payload, [], 10_000, mode === "websocket" ? WEBSOCKET_HANDSHAKE : undefined);
    const alive = await target.stats().then(
      () => true,
      () => false,
    );
    console.log(`statuses: ${responseStatuses(outcome.response).join(", ") || "(none)"}; timed out: ${outcome.timedOut}; server still answers: ${alive}`);
    console.log(outcome.response.toString("latin1").slice(0, 2000));
    return outcome.timedOut || !alive ? 1 : 0;
  } finally {
    await target.stop();
  }
}

async function main(): Promise<number> {
  if (values.replay !== undefined) return replay(values.replay, values.mode);
  const seconds = Number(values.seconds);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const modes: Array<"http" | "websocket"> = values.mode === "both" ? ["http", "websocket"] : [values.mode as "http" | "websocket"];
  const reports: FuzzReport[] = [];
  for (const mode of modes) {
    const target = await startFuzzTarget();
    try {
      const share = mode === "http" && modes.length === 2 ? 0.7 : modes.length === 2 ? 0.3 : 1;
      console.log(`fuzzing ${mode} for ${Math.round(seconds * share)} s (seed ${seed})`);
      reports.push(
        await runFuzz({
          mode,
          port: target.sluice.port,
          stats: target.stats,
          alive: target.sluice.alive,
          seconds: seconds * share,
          maxIterations: Number.MAX_SAFE_INTEGER,
          seed,
          crashDir: CRASH_DIR,
          maxFailures: 50,
        }),
      );
    } finally {
      await target.stop();
    }
  }
  let failed = 0;
  for (const report of reports) {
    console.log(`${report.mode}: ${report.iterations} cases, ${report.failures.length} failures; statuses ${JSON.stringify(report.statuses)}`);
    for (const failure of report.failures) console.log(`  ${failure.kind}: ${failure.detail}\n    reproducer: ${failure.reproducer}`);
    failed += report.failures.length;
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
