import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { median, type Contender, type Scenario, type Target } from "./harness.js";

/** The figures of one contender over all rounds. */
export interface ContenderResult {
  name: string;
  runs: Array<Record<string, number>>;
  median: Record<string, number>;
  /** Primary-metric ratio against the baseline, oriented so that > 1 is better. */
  ratio: number;
}

/** What a scenario run writes to results/<name>.json. */
export interface ScenarioResult {
  scenario: string;
  title: string;
  metric: Scenario["metric"];
  baseline: string;
  target?: number;
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  rounds: number;
  durationSeconds: number;
  contenders: ContenderResult[];
}

const serversDir = fileURLToPath(new URL("./servers/", import.meta.url));

/** Starts a contender's server program and waits until it announces its port. */
async function startContender(contender: Contender): Promise<{ child: ChildProcess; target: Target }> {
  const child = fork(serversDir + contender.server, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_ENV: "production", ...contender.env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const [message] = (await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => {
      throw new Error(`${contender.server} exited with code ${String(code)} before listening`);
    }),
  ])) as [{ type: string; port: number }];
  const port = message.port;
  return { child, target: { url: `http://127.0.0.1:${port}`, port, pid: child.pid ?? -1 } };
}

async function stopContender(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/**
 * Runs a scenario: each round starts every contender in turn (the order rotates every
 * round so no contender always goes first), measures it and stops it; the reported figure
 * is the median over rounds.
 */
export async function runScenario(
  scenario: Scenario,
  options: { rounds: number; durationSeconds: number; log: (line: string) => void },
): Promise<ScenarioResult> {
  const runs = new Map<string, Array<Record<string, number>>>(scenario.contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = scenario.contenders.map((_, i) => scenario.contenders[(i + round) % scenario.contenders.length] as Contender);
    for (const contender of order) {
      const { child, target } = await startContender(contender);
      try {
        const figures = await scenario.measure(target, { durationSeconds: options.durationSeconds });
        runs.get(contender.name)?.push(figures);
        options.log(
          `  round ${round + 1}/${options.rounds} ${contender.name}: ${formatNumber(figures[scenario.metric.name] ?? Number.NaN)} ${scenario.metric.unit}`,
        );
      } finally {
        await stopContender(child);
      }
    }
  }
  const medians = new Map<string, Record<string, number>>();
  for (const [name, list] of runs) {
    const keys = new Set(list.flatMap((figures) => Object.keys(figures)));
    medians.set(name, Object.fromEntries([...keys].map((key) => [key, median(list.map((f) => f[key] ?? Number.NaN))])));
  }
  const baseValue = medians.get(scenario.baseline)?.[scenario.metric.name] ?? Number.NaN;
  const contenders = scenario.contenders.map((c) => {
    const value = medians.get(c.name)?.[scenario.metric.name] ?? Number.NaN;
    const ratio = scenario.metric.higherIsBetter ? value / baseValue : baseValue / value;
    return { name: c.name, runs: runs.get(c.name) ?? [], median: medians.get(c.name) ?? {}, ratio };
  });
  return {
    scenario: scenario.name,
    title: scenario.title,
    metric: scenario.metric,
    baseline: scenario.baseline,
    ...(scenario.target === undefined ? {} : { target: scenario.target }),
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    rounds: options.rounds,
    durationSeconds: options.durationSeconds,
    contenders,
  };
}

/** Formats a figure with sensible precision for reports. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}
