import { execFileSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { createServer, type Server } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CliProcess } from "./cli-helpers.js";

let dir = "";
const running: CliProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sluice-cli-"));
  writeFileSync(
    join(dir, "app.mjs"),
    `
export const app = async (scope, receive, send) => {
  if (scope.type === "lifespan") {
    await receive();
    scope.state.startedBy = process.pid;
    await send({ type: "lifespan.startup.complete" });
    await receive();
    process.stderr.write("app-shutdown " + process.pid + "\\n");
    await send({ type: "lifespan.shutdown.complete" });
    return;
  }
  if (scope.type !== "http") return;
  if (scope.path === "/crash") process.exit(7);
  if (scope.path === "/hold") {
    // Answers only after the server process got SIGTERM, i.e. while it shuts down.
    const signalled = new Promise((resolve) => process.once("SIGTERM", resolve));
    process.stderr.write("holding\\n");
    await signalled;
  }
  const body = JSON.stringify({ pid: process.pid, startedBy: scope.state.startedBy, root_path: scope.root_path });
  await send({ type: "http.response.start", status: 200, headers: [["content-type", "application/json"]] });
  await send({ type: "http.response.body", body: Buffer.from(body) });
};
export const failing = async (scope, receive, send) => {
  if (scope.type !== "lifespan") return;
  await receive();
  await send({ type: "lifespan.startup.failed", message: "database unreachable" });
};
export const notAFunction = 42;
`,
  );
  writeFileSync(
    join(dir, "relay-app.mjs"),
    `
// Each worker announces itself through the supervisor's cluster relay at lifespan startup and
// answers a newcomer's announcement once (in case the newcomer missed the first one while it
// was still loading). GET / reports what this worker has received.
const received = [];
const seen = new Set();
const announce = () => process.send({ "sluice:relay": { from: process.pid, text: "h\u00e9llo", list: [1, null, { a: true }] }, extra: "kept" });
export const app = async (scope, receive, send) => {
  if (scope.type === "lifespan") {
    await receive();
    process.on("message", (message) => {
      if (message === null || typeof message !== "object" || !("sluice:relay" in message)) return;
      received.push(message);
      const from = message["sluice:relay"].from;
      if (seen.has(from)) return;
      seen.add(from);
      if (from !== process.pid) announce();
    });
    announce();
    await send({ type: "lifespan.startup.complete" });
    await receive();
    await send({ type: "lifespan.shutdown.complete" });
    return;
  }
  if (scope.type !== "http") return;
  await send({ type: "http.response.start", status: 200, headers: [["content-type", "application/json"]] });
  await send({ type: "http.response.body", body: Buffer.from(JSON.stringify({ pid: process.pid, received })) });
};
`,
  );
  writeFileSync(
    join(dir, "sync-app.mjs"),
    `
export function app(environ, startResponse) {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [new TextEncoder().encode("sync " + environ.REQUEST_METHOD + " " + environ.PATH_INFO)];
}
`,
  );
});
afterEach(async (context) => {
  // On failure, show what sluice printed: the log says why a worker or the server misbehaved.
  if (context.task.result?.state === "fail") for (const cli of running) process.stderr.write(`--- sluice output ---\n${cli.output}\n`);
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.kill("SIGKILL");
      await cli.exited;
    }
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sluice(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const cli = new CliProcess(args, { cwd: dir, env });
  running.push(cli);
  return cli;
}

interface Info {
  pid: number;
  startedBy: number;
  root_path: string;
}

async function info(url: string, path = "/"): Promise<Info> {
  // A bounded wait so a lost request fails the test with the sluice log instead of hanging it.
  const response = await fetch(`${url}${path}`, { headers: { connection: "close" }, signal: AbortSignal.timeout(15_000) });
  return (await response.json()) as Info;
}

describe("sluice CLI", () => {
  it("prints help listing every flag with its environment variable", async () => {
    const cli = sluice(["--help"]);
    expect((await cli.exited).code).toBe(0);
    for (const flag of ["--host", "--port", "--uds", "--fd", "--workers", "--interface", "--lifespan", "--root-path", "--proxy-headers", "--forwarded-allow-ips", "--timeout-keep-alive", "--timeout-graceful-shutdown", "--limit-concurrency", "--limit-max-requests", "--limit-request-body", "--max-header-size", "--ssl-keyfile", "--ssl-certfile", "--ws-max-size", "--ws-ping-interval", "--ws-ping-timeout", "--ws-per-message-deflate", "--no-ws", "--no-access-log", "--log-level"]) {
      expect(cli.stdout).toContain(flag);
    }
    expect(cli.stdout).toContain("SLUICE_LIMIT_CONCURRENCY");
  });

  it("exits 2 with a clear message for an unknown flag", async () => {
    const cli = sluice(["app.mjs:app", "--bogus"]);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr).toContain('"--bogus" is not a sluice option');
  });

  it("exits 2 when no app is given", async () => {
    const cli = sluice([]);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr).toContain("<module-path>:<export>");
  });

  it("exits 1 naming the path when the module does not exist", async () => {
    const cli = sluice(["missing.mjs:app", "--port", "0"]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr).toContain('could not find module "missing.mjs"');
  });

  it("exits 1 listing the available exports when the export does not exist", async () => {
    const cli = sluice(["app.mjs:nope", "--port", "0"]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr).toContain('has no export "nope" (its exports: app, failing, notAFunction)');
  });

  it("exits 1 when the export is not a function", async () => {
    const cli = sluice(["app.mjs:notAFunction", "--port", "0"]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr).toContain("is not a function");
  });

  it("exits 1 with a one-line message when the port is taken", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    const cli = sluice(["app.mjs:app", "--port", String(address.port)]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr).toContain("Could not start the server: listen EADDRINUSE");
    expect(cli.stderr).not.toContain("    at ");
    blocker.close();
  });

  it("exits 3 with the app's message when lifespan startup fails", async () => {
    const cli = sluice(["app.mjs:failing", "--port", "0"]);
    expect((await cli.exited).code).toBe(3);
    expect(cli.stderr).toContain("database unreachable");
  });

  it("serves, finishes the in-flight request on SIGTERM, runs lifespan shutdown and exits 0", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0"]);
    const url = await cli.url();
    const held = fetch(`${url}/hold`).then(async (response) => ({ status: response.status, body: (await response.json()) as Info }));
    await cli.waitFor(/holding/);
    cli.kill("SIGTERM");
    const result = await held;
    expect(result.status).toBe(200);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr).toContain("app-shutdown");
  });

  it("writes one access-log line per request to stdout", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0"]);
    const url = await cli.url();
    await info(url, "/logged?x=1");
    await cli.waitFor(/GET \/logged/);
    expect(cli.stdout).toMatch(/127\.0\.0\.1:\d+ - "GET \/logged\?x=1 HTTP\/1\.1" 200 \d+ \d+\.\dms/);
  });

  it("omits the access log with --no-access-log", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0", "--no-access-log"]);
    const url = await cli.url();
    await info(url, "/quiet");
    cli.kill("SIGTERM");
    await cli.exited;
    expect(cli.stdout).not.toContain("/quiet");
  });

  it("hides info lines with --log-level warning", async () => {
    const cli = sluice(["app.mjs:failing", "--port", "0", "--log-level", "warning"]);
    expect((await cli.exited).code).toBe(3);
    expect(cli.stderr).not.toContain("Waiting for application startup");
    expect(cli.stderr).toContain("database unreachable");
  });

  it("reads options from SLUICE_* environment variables, with flags taking precedence", async () => {
    const fromEnv = sluice(["app.mjs:app"], { SLUICE_PORT: "0", SLUICE_ROOT_PATH: "/from-env" });
    expect((await info(await fromEnv.url())).root_path).toBe("/from-env");
    const flagWins = sluice(["app.mjs:app", "--root-path", "/from-flag"], { SLUICE_PORT: "0", SLUICE_ROOT_PATH: "/from-env" });
    expect((await info(await flagWins.url())).root_path).toBe("/from-flag");
  });

  it("exits 2 for an invalid environment variable value, naming it", async () => {
    const cli = sluice(["app.mjs:app"], { SLUICE_PORT: "eighty" });
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr).toContain("SLUICE_PORT");
  });

  it("serves on an inherited listening socket with --fd", async () => {
    const listener: Server = createServer();
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const address = listener.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
    const cli = new CliProcess(["app.mjs:app", "--fd", "3"], { cwd: dir, stdio: ["ignore", "pipe", "pipe", fd] });
    running.push(cli);
    await cli.url();
    listener.close();
    const result = await info(`http://127.0.0.1:${address.port}`);
    expect(result.pid).toBe(cli.child.pid);
  });
});

function getText(options: RequestOptions, secure = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("sluice transports", () => {
  it("serves on a unix socket with --uds", async () => {
    const socketPath = join(dir, "cli.sock");
    const cli = sluice(["app.mjs:app", "--uds", socketPath]);
    expect(await cli.url()).toBe(`http+unix://${encodeURIComponent(socketPath)}`);
    const body = JSON.parse(await getText({ socketPath, path: "/", agent: false })) as Info;
    expect(body.pid).toBe(cli.child.pid);
  });

  it("serves HTTPS with --ssl-keyfile and --ssl-certfile", async () => {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const cli = sluice(["app.mjs:app", "--port", "0", "--ssl-keyfile", join(dir, "key.pem"), "--ssl-certfile", join(dir, "cert.pem")]);
    const url = new URL(await cli.url());
    expect(url.protocol).toBe("https:");
    const body = JSON.parse(await getText({ host: "127.0.0.1", port: Number(url.port), path: "/", ca: readFileSync(join(dir, "cert.pem")), agent: false }, true)) as Info;
    expect(body.pid).toBe(cli.child.pid);
  });
});

describe("sluice --interface", () => {
  it("detects a sync (environ, startResponse) app and runs it on the @sluice/bridge worker pool", async () => {
    const cli = sluice(["sync-app.mjs:app", "--port", "0", "--threads", "1"]);
    const url = await cli.url();
    expect(await (await fetch(`${url}/hello`)).text()).toBe("sync GET /hello");
  });

  it("runs a sync app with --interface sync", async () => {
    const cli = sluice(["sync-app.mjs:app", "--port", "0", "--interface", "sync", "--threads", "1"]);
    const url = await cli.url();
    expect(await (await fetch(`${url}/x`, { method: "POST" })).text()).toBe("sync POST /x");
  });

  it("exits 2 for an unknown --interface value", async () => {
    const cli = sluice(["app.mjs:app", "--interface", "wsgi"]);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr).toContain("auto|async|sync");
  });
});

describe("sluice signals", () => {
  it("shuts down gracefully on SIGINT and exits 0", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0"]);
    await cli.url();
    cli.kill("SIGINT");
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr).toContain("Received SIGINT");
    expect(cli.stderr).toContain("app-shutdown");
  });

  it("exits 0 after --limit-max-requests requests", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0", "--limit-max-requests", "2"]);
    const url = await cli.url();
    await info(url);
    await info(url);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr).toContain("Maximum request limit of 2 exceeded");
  });
});

describe("sluice --workers", () => {
  async function pidsSeen(url: string, wanted: number, attempts = 40): Promise<Set<number>> {
    const pids = new Set<number>();
    for (let i = 0; i < attempts && pids.size < wanted; i++) {
      const result = await info(url);
      expect(result.startedBy).toBe(result.pid);
      pids.add(result.pid);
    }
    return pids;
  }

  it("runs N workers, each with its own lifespan, sharing one port", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0", "--workers", "2", "--no-access-log"]);
    const url = await cli.url();
    const pids = await pidsSeen(url, 2);
    expect(pids.size).toBe(2);
    expect(pids.has(cli.child.pid ?? -1)).toBe(false);
    cli.kill("SIGTERM");
    expect((await cli.exited).code).toBe(0);
    expect(cli.count(/app-shutdown/)).toBe(2);
  });

  it("replaces a worker that crashes", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0", "--workers", "2", "--no-access-log"]);
    const url = await cli.url();
    const before = await pidsSeen(url, 2);
    await fetch(`${url}/crash`).catch(() => undefined);
    await cli.waitFor(/died \(exit code 7\); starting a replacement/);
    await cli.waitForCount(/Sluice running on http:\/\/127\.0\.0\.1:\d+ \(Press/, 3);
    const after = await pidsSeen(url, 2);
    expect(after.size).toBe(2);
    expect([...after].filter((pid) => !before.has(pid))).toHaveLength(1);
  });

  it("restarts every worker one by one on SIGHUP", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0", "--workers", "2", "--no-access-log"]);
    const url = await cli.url();
    const before = await pidsSeen(url, 2);
    cli.kill("SIGHUP");
    await cli.waitFor(/Rolling restart complete/);
    // Old workers are asked to retire over IPC (idle keep-alive connections left to the peer), not SIGTERMed.
    expect(cli.count(/Replaced by the supervisor; retiring/)).toBe(2);
    expect(cli.count(/Received SIGTERM/)).toBe(0);
    const after = await pidsSeen(url, 2);
    expect(after.size).toBe(2);
    expect([...after].some((pid) => before.has(pid))).toBe(false);
  });

  it("replaces a worker that reached --limit-max-requests (recycling)", async () => {
    const cli = sluice(["app.mjs:app", "--port", "0", "--workers", "2", "--limit-max-requests", "2", "--no-access-log"]);
    const url = await cli.url();
    const before = await pidsSeen(url, 2);
    for (let i = 0; i < 6; i++) expect((await info(url)).pid).toBeGreaterThan(0);
    await cli.waitForCount(/Replacing worker \[\d+\] \(reached --limit-max-requests\)/, 2);
    await cli.waitForCount(/Finished server process/, 2);
    const after = await pidsSeen(url, 2);
    expect([...after].some((pid) => before.has(pid))).toBe(false);
  }, 90_000);

  it("relays every sluice:relay message from a worker to all workers, sender included, unchanged", async () => {
    const cli = sluice(["relay-app.mjs:app", "--port", "0", "--workers", "2", "--no-access-log"]);
    const url = await cli.url();
    interface Relayed {
      "sluice:relay": { from: number; text: string; list: unknown[] };
      extra: string;
    }
    const views = new Map<number, Relayed[]>();
    const complete = (): boolean => {
      const pids = [...views.keys()];
      return pids.length === 2 && pids.every((pid) => pids.every((from) => (views.get(pid) ?? []).some((m) => m["sluice:relay"].from === from)));
    };
    // Bounded: each attempt is one full request to whichever worker the kernel picks.
    for (let attempt = 0; attempt < 200 && !complete(); attempt++) {
      const response = await fetch(url, { headers: { connection: "close" }, signal: AbortSignal.timeout(15_000) });
      const view = (await response.json()) as { pid: number; received: Relayed[] };
      views.set(view.pid, view.received);
    }
    expect(complete()).toBe(true);
    for (const [pid, received] of views) {
      const own = received.find((m) => m["sluice:relay"].from === pid);
      expect(own).toEqual({ "sluice:relay": { from: pid, text: "h\u00e9llo", list: [1, null, { a: true }] }, extra: "kept" });
    }
  });

  it("exits 3 when a worker's lifespan startup fails", async () => {
    const cli = sluice(["app.mjs:failing", "--port", "0", "--workers", "2"]);
    expect((await cli.exited).code).toBe(3);
  });
});
