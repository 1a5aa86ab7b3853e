import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HTTP_DICTIONARY, HTTP_SEEDS } from "./http-corpus.js";
import { FRAME_MUTATORS, HTTP_MUTATORS, mutate, splitPoints } from "./mutate.js";
import { Random } from "./random.js";
import { responseStatuses, sendCase } from "./send-case.js";
import { FRAME_SEEDS, WEBSOCKET_HANDSHAKE } from "./websocket-corpus.js";

/** The fixture app's counters (GET /stats). */
export interface AppStats {
  seen: number;
  thrown: number;
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** `"http"`: mutated requests; `"websocket"`: a valid handshake, then mutated frames. */
  mode: "http" | "websocket";
  port: number;
  /** Reads the app's counters over a separate, clean connection; rejects when the server is gone. */
  stats: () => Promise<AppStats>;
  /** `false` once the server process has exited. */
  alive: () => boolean;
  seconds: number;
  maxIterations: number;
  seed: number;
  /** Where reproducers are written. */
  crashDir: string;
  /** Per-case limit for the server to answer or close. Default 10 000 ms. */
  caseTimeoutMs?: number;
  /** Stop after this many failures. Default 5. */
  maxFailures?: number;
}

/** One failed case, with the reproducer on disk. */
export interface FuzzFailure {
  kind: "crash" | "hang" | "unexplained-5xx" | "handshake";
  detail: string;
  reproducer: string;
}

/** The outcome of a fuzz run. */
export interface FuzzReport {
  mode: FuzzOptions["mode"];
  seed: number;
  iterations: number;
  failures: FuzzFailure[];
  /** Count of each response status seen (the first status of each case). */
  statuses: Record<string, number>;
}

/**
 * 5xx answers that do not need the app: 505 (the request named an HTTP version the server
 * does not speak, the correct answer). Any other 5xx, including a 501 for an Upgrade offer the
 * server should have ignored (test/upgrade-interop.test.ts), is only acceptable when the
 * fixture app itself threw during the case.
 */
const PROTOCOL_5XX = new Set([505]);

/**
 * Runs a bounded mutation-fuzzing session (until `seconds` pass or `maxIterations` cases ran)
 * against a live server, one case at a time, checking after every case that the server still
 * answers, that the case's connection was answered or closed in time, and that no 5xx came
 * back for a request the app did not throw on.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = new Random(options.seed);
  const deadline = Date.now() + options.seconds * 1000;
  const caseTimeoutMs = options.caseTimeoutMs ?? 10_000;
  const report: FuzzReport = { mode: options.mode, seed: options.seed, iterations: 0, failures: [], statuses: {} };
  let before = await options.stats();
  while (report.iterations < options.maxIterations && Date.now() < deadline && report.failures.length < (options.maxFailures ?? 5)) {
    const iteration = report.iterations++;
    const seed = options.mode === "http" ? random.pick(HTTP_SEEDS) : random.pick(FRAME_SEEDS);
    let payload = seed.bytes;
    if (options.mode === "http") {
      payload = random.chance(0.05) ? payload : mutate(payload, random, HTTP_MUTATORS, HTTP_DICTIONARY);
      if (random.chance(0.1)) payload = Buffer.concat([payload, mutate(random.pick(HTTP_SEEDS).bytes, random, HTTP_MUTATORS, HTTP_DICTIONARY)]);
    } else {
      const extra = random.chance(0.3) ? random.pick(FRAME_SEEDS).bytes : Buffer.alloc(0);
      payload = mutate(Buffer.concat([payload, extra]), random, FRAME_MUTATORS, []);
    }
    const splits = splitPoints(payload.length, random);
    const preamble = options.mode === "websocket" ? WEBSOCKET_HANDSHAKE : undefined;
    const outcome = await sendCase(options.port, payload, splits, caseTimeoutMs, preamble);
    const save = async (kind: FuzzFailure["kind"], detail: string): Promise<void> => {
      const reproducer = await saveReproducer(options, iteration, seed.name, kind, detail, payload, splits, outcome.response);
      report.failures.push({ kind, detail, reproducer });
    };
    let after: AppStats;
    try {
      after = await options.stats();
    } catch (error) {
      await save("crash", `the server stopped answering (process ${options.alive() ? "alive" : "exited"}): ${(error as Error).message}`);
      break;
    }
    const statuses = responseStatuses(outcome.response);
    const first = statuses[0];
    const label = first === undefined ? "closed" : String(first);
    report.statuses[label] = (report.statuses[label] ?? 0) + 1;
    if (outcome.timedOut) await save("hang", `no answer and no close within ${caseTimeoutMs} ms`);
    else if (outcome.handshakeFailed) await save("handshake", `the valid handshake was not answered with 101: ${outcome.response.subarray(0, 200).toString("latin1")}`);
    else {
      const appThrew = after.thrown > before.thrown;
      const unexplained = statuses.filter((status) => status >= 500 && !PROTOCOL_5XX.has(status) && !appThrew);
      if (unexplained.length > 0) await save("unexplained-5xx", `status ${unexplained.join(", ")} although the app did not throw (app saw ${after.seen - before.seen} requests)`);
    }
    before = after;
  }
  return report;
}

async function saveReproducer(
  options: FuzzOptions,
  iteration: number,
  seedName: string,
  kind: string,
  detail: string,
  payload: Buffer,
  splits: readonly number[],
  response: Buffer,
): Promise<string> {
  await mkdir(options.crashDir, { recursive: true });
  const base = join(options.crashDir, `${options.mode}-${kind}-seed${options.seed}-case${iteration}`);
  await writeFile(`${base}.bin`, payload);
  const info = {
    mode: options.mode,
    kind,
    detail,
    seed: options.seed,
    iteration,
    corpusSeed: seedName,
    splits,
    preamble: options.mode === "websocket" ? WEBSOCKET_HANDSHAKE.toString("latin1") : null,
    payloadLatin1: payload.toString("latin1").slice(0, 4000),
    responseLatin1: response.toString("latin1").slice(0, 2000),
    replay: `pnpm --filter @sluice/production-tests fuzz -- --replay ${base}.bin --mode ${options.mode}`,
  };
  await writeFile(`${base}.json`, `${JSON.stringify(info, null, 2)}\n`);
  return `${base}.bin`;
}
