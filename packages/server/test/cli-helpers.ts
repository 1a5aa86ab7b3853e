import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (tests run after `build`). */
export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** A spawned `sluice` process with its output collected. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; stdio?: StdioOptions }) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.setEncoding("utf8");
    this.child.stderr?.setEncoding("utf8");
    this.child.stdout?.on("data", (text: string) => {
      this.stdout += text;
      this.wake();
    });
    this.child.stderr?.on("data", (text: string) => {
      this.stderr += text;
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Waits until the combined output matches `pattern` (throws if the process exits first). */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = pattern.exec(this.output);
      if (match !== null) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`sluice exited before printing ${String(pattern)}; output:\n${this.output}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits for the listening line and returns the URL. */
  async url(): Promise<string> {
    const match = await this.waitFor(/Sluice running on (\S+)(?: with \d+ workers)? \(Press/);
    return match[1] ?? "";
  }

  /** Counts non-overlapping matches of `pattern` in the output. */
  count(pattern: RegExp): number {
    return [...this.output.matchAll(new RegExp(pattern.source, "g"))].length;
  }

  /** Waits until `pattern` has matched `times` times. */
  async waitForCount(pattern: RegExp, times: number): Promise<void> {
    while (this.count(pattern) < times) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`sluice exited; output:\n${this.output}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    this.child.kill(signal);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
