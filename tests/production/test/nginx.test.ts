import { Agent } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { bytesSource, jsonOf, request, type SimpleResponse } from "../src/http-client.js";
import { startNginx, type NginxProcess } from "../src/nginx-process.js";
import { startSluice, type SluiceProcess } from "../src/sluice-process.js";

// Behind the shipped docs/deploy/nginx.conf, with a real nginx (Debian nginx-light) that
// terminates TLS with a self-signed certificate. The test client binds to 127.0.0.3 so that
// its address differs from nginx's (127.0.0.1, the trusted proxy).
const CLIENT_ADDRESS = "127.0.0.3";
const UNTRUSTED_PEER = "127.0.0.2";
const SLUICE_FLAGS = ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--timeout-keep-alive", "75"];

interface WhoAmI {
  client: [string, number] | null;
  scheme: string;
  host: string | null;
  pid: number;
}

function openWebSocket(url: string): Promise<WebSocket> {
  return new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, { rejectUnauthorized: false, localAddress: CLIENT_ADDRESS });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

function nextMessage(socket: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    socket.once("message", (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
    socket.once("close", (code) => reject(new Error(`closed with ${code} before a message arrived`)));
  });
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    socket.once("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString("utf8") }));
  });
}

describe("a Sluice server behind nginx with docs/deploy/nginx.conf", () => {
  let sluice: SluiceProcess;
  let nginx: NginxProcess;

  beforeAll(async () => {
    sluice = await startSluice({ args: SLUICE_FLAGS });
    nginx = await startNginx(sluice.port);
  });

  afterAll(async () => {
    await nginx.stop();
    await sluice.stop();
  });

  it("reports the real client address and the https scheme to the app", async () => {
    const response = await request(`${nginx.httpsUrl}/whoami`, { localAddress: CLIENT_ADDRESS });
    expect(response.status).toBe(200);
    const who = jsonOf<WhoAmI>(response);
    expect(who.client?.[0]).toBe(CLIENT_ADDRESS);
    expect(who.scheme).toBe("https");
  });

  it("does not let a client spoof its address or scheme through nginx", async () => {
    const response = await request(`${nginx.httpsUrl}/whoami`, {
      localAddress: CLIENT_ADDRESS,
      headers: { "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "http", forwarded: "for=198.51.100.7;proto=http" },
    });
    const who = jsonOf<WhoAmI>(response);
    expect(who.client?.[0]).toBe(CLIENT_ADDRESS);
    expect(who.scheme).toBe("https");
  });

  it("ignores forwarded headers sent straight to Sluice by a peer that is not the trusted proxy", async () => {
    const response = await request(`${sluice.url}/whoami`, {
      localAddress: UNTRUSTED_PEER,
      headers: { "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" },
    });
    const who = jsonOf<WhoAmI>(response);
    expect(who.client?.[0]).toBe(UNTRUSTED_PEER);
    expect(who.scheme).toBe("http");
    expect(who.host).toBe(`127.0.0.1:${sluice.port}`);
  });

  it("redirects plain HTTP to HTTPS", async () => {
    const response = await request(`${nginx.httpUrl}/whoami?x=1`);
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe("https://127.0.0.1/whoami?x=1");
  });

  it("upgrades a WebSocket through nginx and echoes text and binary messages", async () => {
    const socket = await openWebSocket(`${nginx.httpsUrl.replace("https", "wss")}/chat`);
    try {
      socket.send("whoami");
      const who = JSON.parse((await nextMessage(socket)).data.toString("utf8")) as WhoAmI;
      expect(who.scheme).toBe("wss");
      expect(who.client?.[0]).toBe(CLIENT_ADDRESS);
      socket.send("hello through nginx");
      expect((await nextMessage(socket)).data.toString("utf8")).toBe("hello through nginx");
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      socket.send(bytes);
      const echoed = await nextMessage(socket);
      expect(echoed.isBinary).toBe(true);
      expect(Buffer.compare(echoed.data, bytes)).toBe(0);
    } finally {
      socket.terminate();
    }
  });

  it("delivers the app's close code and reason to the client through nginx", async () => {
    const socket = await openWebSocket(`${nginx.httpsUrl.replace("https", "wss")}/chat`);
    const whenClosed = closed(socket);
    socket.send("close:4001:room closed");
    expect(await whenClosed).toEqual({ code: 4001, reason: "room closed" });
  });

  it("delivers the client's close code to the app through nginx", async () => {
    const socket = await openWebSocket(`${nginx.httpsUrl.replace("https", "wss")}/chat`);
    socket.send("ping");
    await nextMessage(socket);
    const whenClosed = closed(socket);
    socket.close(4002, "bye");
    expect((await whenClosed).code).toBe(4002);
    // The app records the code when its receive() yields websocket.disconnect; each probe
    // is a full request round trip, bounded in number.
    let codes: number[] = [];
    for (let attempt = 0; attempt < 500 && !codes.includes(4002); attempt++) {
      codes = jsonOf<number[]>(await request(`${nginx.httpsUrl}/ws-closes`));
    }
    expect(codes).toContain(4002);
  });

  it("streams a 100 MiB upload through nginx to the app while server memory stays bounded", async () => {
    const total = 100 * 1024 * 1024;
    const response = await request(`${nginx.httpsUrl}/upload`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "content-length": String(total) },
      body: bytesSource(total),
      timeoutMs: 120_000,
    });
    expect(response.status).toBe(200);
    const result = jsonOf<{ bytes: number; rssBefore: number; rssPeak: number }>(response);
    expect(result.bytes).toBe(total);
    // The body is never held: the server's RSS grows by far less than the 100 MiB that flowed.
    expect(result.rssPeak - result.rssBefore).toBeLessThan(48 * 1024 * 1024);
  });
});

interface RestartOutcome {
  restartDone: boolean;
  completed: number;
  statuses: Map<number, number>;
  errors: string[];
  pidsBefore: Set<number>;
  pidsAfter: Set<number>;
  nginxErrors: string;
}

/**
 * Drives four keep-alive request loops through nginx at `sluice --workers 2` and performs
 * `restarts` rolling restarts: SIGHUP once 300 requests completed since the previous restart
 * finished (the supervisor logs "Rolling restart complete"), and stops 400 requests after the
 * last one (or at a hard cap of 60,000 requests).
 */
async function rollingRestartUnderLoad(restarts: number, send: (url: string, agent: Agent, n: number) => Promise<SimpleResponse>): Promise<RestartOutcome> {
  const sluice = await startSluice({ args: [...SLUICE_FLAGS, "--workers", "2"] });
  const nginx = await startNginx(sluice.port);
  const agent = new Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false });
  try {
    await sluice.waitForLine(/with 2 workers/);
    const outcome: RestartOutcome = { restartDone: false, completed: 0, statuses: new Map(), errors: [], pidsBefore: new Set(), pidsAfter: new Set(), nginxErrors: "" };
    const restartsCompleted = (): number => sluice.lines.filter((line) => line.includes("Rolling restart complete")).length;
    let sent = 0;
    let hupsSent = 0;
    let sinceLastRestart = 0;
    const requestCap = 60_000;
    const loop = async (): Promise<void> => {
      while (sent < requestCap && !(outcome.restartDone && sinceLastRestart >= 400)) {
        const n = sent++;
        const phase = hupsSent === 0 ? "before" : outcome.restartDone ? "after" : "during";
        try {
          const response = await send(nginx.httpsUrl, agent, n);
          outcome.statuses.set(response.status, (outcome.statuses.get(response.status) ?? 0) + 1);
          const pid = response.status === 200 ? jsonOf<{ pid?: number }>(response).pid : undefined;
          if (pid !== undefined && phase === "before") outcome.pidsBefore.add(pid);
          if (pid !== undefined && phase === "after") outcome.pidsAfter.add(pid);
        } catch (error) {
          outcome.errors.push((error as Error).message);
        }
        outcome.completed++;
        const done = restartsCompleted();
        if (done === hupsSent) sinceLastRestart++;
        outcome.restartDone = done === restarts;
        if (done === hupsSent && hupsSent < restarts && sinceLastRestart >= 300) {
          hupsSent++;
          sinceLastRestart = 0;
          sluice.child.kill("SIGHUP");
        }
      }
    };
    await Promise.all([loop(), loop(), loop(), loop()]);
    outcome.nginxErrors = (await nginx.errorLog()).split("\n").filter((line) => /\[error\]/.test(line)).join("\n");
    return outcome;
  } finally {
    agent.destroy();
    await nginx.stop();
    await sluice.stop();
  }
}

function fiveHundreds(outcome: RestartOutcome): Array<[number, number]> {
  return [...outcome.statuses].filter(([status]) => status >= 500);
}

describe("a rolling restart of sluice --workers 2 behind nginx", () => {
  it("answers every GET of a steady keep-alive load without a 5xx or a connection error", async () => {
    const outcome = await rollingRestartUnderLoad(1, (url, agent) => request(`${url}/whoami`, { agent }));
    console.log(`rolling restart (GET): ${outcome.completed} requests, statuses ${JSON.stringify([...outcome.statuses])}, pids before ${[...outcome.pidsBefore].join(",")}, after ${[...outcome.pidsAfter].join(",")}`);
    expect(outcome.restartDone).toBe(true);
    expect(outcome.errors).toEqual([]);
    expect(fiveHundreds(outcome), outcome.nginxErrors).toEqual([]);
    expect(outcome.statuses.get(200)).toBe(outcome.completed);
    // The workers really were replaced: no answer after the restart came from an old worker.
    expect(outcome.pidsBefore.size).toBeGreaterThan(0);
    expect(outcome.pidsAfter.size).toBeGreaterThan(0);
    expect([...outcome.pidsAfter].filter((pid) => outcome.pidsBefore.has(pid))).toEqual([]);
  });

  it("answers every POST of a steady keep-alive load without a 5xx or a connection error", async () => {
    // nginx retries an idempotent request that failed on a reused upstream connection, but
    // never a POST: a POST can only survive if no worker ever closes a keep-alive connection
    // under nginx's feet while nginx is sending on it.
    // Four restarts (eight worker retirements) so that the race shows up on most runs.
    const outcome = await rollingRestartUnderLoad(4, (url, agent, n) =>
      n % 2 === 0 ? request(`${url}/whoami`, { agent }) : request(`${url}/upload`, { agent, method: "POST", body: "x".repeat(1000) }),
    );
    console.log(`rolling restarts (GET+POST): ${outcome.completed} requests, statuses ${JSON.stringify([...outcome.statuses])}`);
    expect(outcome.restartDone).toBe(true);
    expect(outcome.errors).toEqual([]);
    expect(fiveHundreds(outcome), outcome.nginxErrors).toEqual([]);
    expect(outcome.statuses.get(200)).toBe(outcome.completed);
  });
});
