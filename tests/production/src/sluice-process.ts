import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The `sluice` CLI of the workspace (packages/server/dist/cli.js). */
export const SLUICE_CLI = fileURLToPath(new URL("../../../packages/server/dist/cli.js", import.meta.url));

/** The fixture app every production test serves. */
export const FIXTURE_APP = fileURLToPath(new URL("../test/fixtures/app.mjs", import.meta.url));

/** A `sluice` child process serving the fixture app. */
export interface SluiceProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every log line (stderr) seen so far. */
  readonly lines: string[];
  /** Resolves with the first log line (already seen or future) matching `pattern`. */
  waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  /** `true` while the process has not exited. */
  alive: () => boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

/** Options of {@link startSluice}. */
export interface StartSluiceOptions {
  /** Extra CLI flags (the app target and `--port 0 --host 127.0.0.1 --no-access-log` are added). */
  args?: readonly string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long to wait for the "Sluice running on" line. Default 30 s. */
  startTimeoutMs?: number;
}

/**
 * Starts `node packages/server/dist/cli.js test/fixtures/app.mjs:app --port 0 …` and resolves
 * once it logs the URL it listens on.
 */
export async function startSluice(options: StartSluiceOptions = {}): Promise<SluiceProcess> {
  const args = [SLUICE_CLI, `${FIXTURE_APP}:app`, "--host", "127.0.0.1", "--port", "0", "--no-access-log", ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines: string[] = [];
  const watchers = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let partial = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    partial += text;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (process.env.SLUICE_TEST_LOG === "1") process.stderr.write(`[sluice] ${line}\n`);
      for (const watcher of [...watchers]) {
        if (watcher.pattern.test(line)) {
          watchers.delete(watcher);
          watcher.resolve(line);
        }
      }
    }
  });
  const exited = once(child, "exit");
  const waitForLine = (pattern: RegExp, timeoutMs = 30_000): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(new Error(`sluice did not log ${String(pattern)} within ${timeoutMs} ms; log so far:\n${lines.join("\n")}`));
      }, timeoutMs);
      const watcher = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      watchers.add(watcher);
      void exited.then(() => {
        if (!watchers.has(watcher)) return;
        watchers.delete(watcher);
        clearTimeout(timer);
        reject(new Error(`sluice exited (code ${String(child.exitCode)}) before logging ${String(pattern)}; log:\n${lines.join("\n")}`));
      });
    });
  };
  const running = await waitForLine(/Sluice running on http:\/\/\S+/, options.startTimeoutMs ?? 30_000);
  const url = /(http:\/\/[^\s]+)/.exec(running)?.[1] ?? "";
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    child,
    lines,
    waitForLine,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
