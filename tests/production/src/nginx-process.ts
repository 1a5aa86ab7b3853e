import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The deployment config shipped in docs/deploy/nginx.conf (what the tests load). */
export const DEPLOY_NGINX_CONF = fileURLToPath(new URL("../../../docs/deploy/nginx.conf", import.meta.url));

/** Where Debian's nginx-light installs the binary. */
export const NGINX_BINARY = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

/** A running nginx (master in the foreground) with its own temporary prefix directory. */
export interface NginxProcess {
  /** `https://127.0.0.1:<port>` (TLS terminated by nginx with a self-signed certificate). */
  readonly httpsUrl: string;
  readonly httpsPort: number;
  /** `http://127.0.0.1:<port>` (the redirect-to-HTTPS server). */
  readonly httpUrl: string;
  readonly dir: string;
  readonly child: ChildProcess;
  /** The nginx error log so far. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/**
 * Rewrites docs/deploy/nginx.conf for a test run: only the listen ports, the upstream port,
 * the certificate paths and the log paths change. Throws when one of them is not found, so
 * the shipped file and the test cannot drift apart silently.
 */
export function templateDeployConfig(text: string, values: { httpPort: number; httpsPort: number; upstreamPort: number; certFile: string; keyFile: string; logDir: string }): string {
  const replacements: Array<[RegExp, string]> = [
    [/listen 80;/g, `listen 127.0.0.1:${values.httpPort};`],
    [/listen 443 ssl;/g, `listen 127.0.0.1:${values.httpsPort} ssl;`],
    [/server 127\.0\.0\.1:8000;/g, `server 127.0.0.1:${values.upstreamPort};`],
    [/\/etc\/ssl\/certs\/sluice\.pem/g, values.certFile],
    [/\/etc\/ssl\/private\/sluice\.key/g, values.keyFile],
    [/\/var\/log\/nginx\//g, `${values.logDir}/`],
  ];
  let out = text;
  for (const [pattern, replacement] of replacements) {
    if (!pattern.test(out)) throw new Error(`docs/deploy/nginx.conf no longer contains ${String(pattern)}; update the test template`);
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** Makes a self-signed certificate for 127.0.0.1/localhost with openssl. */
export async function makeSelfSignedCert(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  await run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout", keyFile, "-out", certFile,
  ]);
  return { certFile, keyFile };
}

/**
 * Starts nginx in the foreground (`-p <tmpdir> -c <conf> -g 'daemon off;'`) with the shipped
 * deployment config proxying to `127.0.0.1:<upstreamPort>`, and resolves once it accepts
 * connections on its HTTPS port.
 */
export async function startNginx(upstreamPort: number): Promise<NginxProcess> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-nginx-"));
  for (const sub of ["logs", "body", "proxy", "fastcgi", "uwsgi", "scgi"]) await mkdir(join(dir, sub));
  const { certFile, keyFile } = await makeSelfSignedCert(dir);
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const site = templateDeployConfig(await readFile(DEPLOY_NGINX_CONF, "utf8"), { httpPort, httpsPort, upstreamPort, certFile, keyFile, logDir: join(dir, "logs") });
  await writeFile(join(dir, "sluice.conf"), site);
  const isRoot = process.getuid?.() === 0;
  const main = [
    isRoot ? "user root;" : "",
    "worker_processes 1;",
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/logs/error.log info;`,
    "events { worker_connections 1024; }",
    "http {",
    `  client_body_temp_path ${dir}/body;`,
    `  proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi;`,
    `  uwsgi_temp_path ${dir}/uwsgi;`,
    `  scgi_temp_path ${dir}/scgi;`,
    `  access_log ${dir}/logs/access.log;`,
    `  include ${dir}/sluice.conf;`,
    "}",
    "",
  ].join("\n");
  const confFile = join(dir, "nginx.conf");
  await writeFile(confFile, main);
  const child = spawn(NGINX_BINARY, ["-p", dir, "-c", confFile, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr += text;
  });
  const exited = once(child, "exit");
  const errorLog = async (): Promise<string> => {
    const files = (await readdir(join(dir, "logs")).catch(() => [])).filter((name) => name.includes("error"));
    const texts = await Promise.all(files.map((name) => readFile(join(dir, "logs", name), "utf8").catch(() => "")));
    return `${stderr}${texts.join("")}`;
  };
  await waitUntilAccepting(httpsPort, exited, errorLog);
  return {
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    httpsPort,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    dir,
    child,
    errorLog,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGQUIT");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilAccepting(port: number, exited: Promise<unknown>, errorLog: () => Promise<string>): Promise<void> {
  const state = { gone: false };
  void exited.then(() => {
    state.gone = true;
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (state.gone) throw new Error(`nginx exited before listening:\n${await errorLog()}`);
    const { connect } = await import("node:net");
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 20 s:\n${await errorLog()}`);
    // Poll again once the failed connection attempt has settled (no fixed delay).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
