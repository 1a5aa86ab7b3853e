import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const appDir = fileURLToPath(new URL("../../", import.meta.url));
const cliPath = fileURLToPath(new URL("../../node_modules/@sluice/server/dist/cli.js", import.meta.url));

/** The `sluice` CLI serving the built app in a child process. */
export interface CliServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The server process, whose memory the tests watch. */
  readonly pid: number;
  /** Resolves with the first match of `pattern` in the server's stderr (past or future). */
  stderrMatch(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Stops the server with SIGTERM (graceful shutdown) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `sluice dist/app.js:app --interface sync --threads N --port 0` as a user would, and
 * resolves once its startup line names the bound address.
 */
export async function startCli(options: { threads: number; databasePath: string; rows: number | string }): Promise<CliServer> {
  const child = spawn(
    process.execPath,
    [cliPath, "dist/app.js:app", "--interface", "sync", "--threads", String(options.threads), "--host", "127.0.0.1", "--port", "0", "--no-access-log"],
    {
      cwd: appDir,
      env: { ...process.env, SYNC_REPORT_DB: options.databasePath, SYNC_REPORT_ROWS: String(options.rows) },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
    for (const watcher of watchers) watcher();
  });
  const stderrMatch = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stderr);
        if (match !== null) {
          watchers.delete(check);
          child.off("exit", onExit);
          resolve(match);
        }
      };
      const onExit = (): void => {
        watchers.delete(check);
        reject(new Error(`the server exited before printing ${String(pattern)}; its stderr:\n${stderr}`));
      };
      child.once("exit", onExit);
      watchers.add(check);
      check();
    });
  const running = await stderrMatch(/Sluice running on (http:\/\/\S+)/);
  return {
    url: running[1] ?? "",
    pid: child.pid ?? 0,
    stderrMatch,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

/** The resident memory of process `pid` in bytes (VmRSS in /proc; the worker threads included). */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}
