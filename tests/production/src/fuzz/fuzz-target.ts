import { Agent } from "node:http";
import { fileURLToPath } from "node:url";
import { jsonOf, request } from "../http-client.js";
import { startSluice, type SluiceProcess } from "../sluice-process.js";
import type { AppStats } from "./fuzzer.js";

/** tests/production/.fuzz-crashes/ (gitignored): where reproducers land. */
export const CRASH_DIR = fileURLToPath(new URL("../../.fuzz-crashes/", import.meta.url));

/** The server flags of a fuzz target: a body limit and a WebSocket message limit to probe. */
export const FUZZ_SERVER_FLAGS = ["--limit-request-body", "1048576", "--ws-max-size", "65536", "--timeout-headers", "5"];

/** A sluice process serving the fixture app, plus a clean-connection reader of its counters. */
export interface FuzzTarget {
  sluice: SluiceProcess;
  stats: () => Promise<AppStats>;
  stop: () => Promise<void>;
}

/** Starts the fuzz target. */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const sluice = await startSluice({ args: FUZZ_SERVER_FLAGS });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const stats = async (): Promise<AppStats> => {
    const response = await request(`${sluice.url}/stats`, { agent, timeoutMs: 10_000 });
    if (response.status !== 200) throw new Error(`GET /stats answered ${response.status}`);
    return jsonOf<AppStats>(response);
  };
  return {
    sluice,
    stats,
    stop: async () => {
      agent.destroy();
      await sluice.stop();
    },
  };
}
