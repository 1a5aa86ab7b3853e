import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

const cli = fileURLToPath(new URL("../../server/dist/cli.js", import.meta.url));
const relayApp = fileURLToPath(new URL("./fixtures/relay-app.mjs", import.meta.url));

/** A `sluice` CLI process serving the relay fixture app. */
export interface SluiceProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `sluice relay-app.mjs:app` with extra CLI args and env; resolves once it listens. */
export async function startSluice(args: string[], env: Record<string, string>): Promise<SluiceProcess> {
  const child = spawn(process.execPath, [cli, `${relayApp}:app`, "--host", "127.0.0.1", "--port", "0", "--lifespan", "on", "--no-access-log", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`sluice exited with ${String(code)}:\n${output}`)));
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A `ws` client of the relay app that collects the messages it receives. */
export class RelayClient {
  readonly socket: WebSocket;
  readonly pid: string;
  readonly received: string[] = [];
  #waiter: (() => void) | undefined;

  private constructor(socket: WebSocket, pid: string) {
    this.socket = socket;
    this.pid = pid;
    socket.on("message", (data: Buffer) => {
      this.received.push(data.toString("utf8"));
      this.#waiter?.();
    });
  }

  static async connect(url: string): Promise<RelayClient> {
    const socket = new WebSocket(url.replace("http", "ws"));
    let pid = "";
    socket.once("upgrade", (response) => (pid = String(response.headers["x-pid"])));
    await once(socket, "open");
    return new RelayClient(socket, pid);
  }

  /** Waits until a message equal to `text` has arrived. */
  async waitFor(text: string): Promise<void> {
    while (!this.received.includes(text)) await new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  async close(): Promise<void> {
    const closed = once(this.socket, "close");
    this.socket.close();
    await closed;
  }
}
