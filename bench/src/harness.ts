import autocannon from "autocannon";
import { LatencyHistogram } from "./latency-histogram.js";

/** A server under test: a program under src/servers/ run in its own child process. */
export interface Contender {
  /** Display name, e.g. "sluice" or "node:http". */
  name: string;
  /** File name under src/servers/ (e.g. "server-sluice-hello.ts"). */
  server: string;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
}

/** Where a started contender can be reached. */
export interface Target {
  /** Base URL, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** Port the server listens on. */
  port: number;
  /** Process id of the server (for memory readings). */
  pid: number;
}

/** Options of one measurement run, chosen by the CLI. */
export interface MeasureOptions {
  /** How long a load phase lasts, in seconds. */
  durationSeconds: number;
}

/** The primary figure of a scenario. */
export interface Metric {
  /** Key in the measured record, e.g. "requestsPerSecond". */
  name: string;
  /** Unit shown in reports, e.g. "req/s". */
  unit: string;
  /** Whether a larger value is better (throughput) or worse (latency, memory). */
  higherIsBetter: boolean;
}

/** One comparison: the same load against several contenders, alternating, medians. */
export interface Scenario {
  /** Stable id, used for filtering and the results file name. */
  name: string;
  /** Human title for reports. */
  title: string;
  /** Name of the contender ratios are computed against. */
  baseline: string;
  /** Servers to compare. */
  contenders: Contender[];
  /** The figure of merit. */
  metric: Metric;
  /** Target the "sluice" ratio should reach (e.g. 0.9), shown in reports. */
  target?: number;
  /** Runs the load against one contender; must return `metric.name` among its figures. */
  measure: (target: Target, options: MeasureOptions) => Promise<Record<string, number>>;
}

/** What `httpLoad` sends. */
export interface HttpLoadSpec {
  /** Request path. Default "/". */
  path?: string;
  /** Method. Default "GET". */
  method?: string;
  /** Request headers. */
  headers?: Record<string, string>;
  /** Request body sent with every request. */
  body?: Buffer | string;
  /** Concurrent connections. Default 50. */
  connections?: number;
  /** Requests in flight per connection. Default 1. */
  pipelining?: number;
}

/**
 * A `measure` function that drives HTTP load with autocannon (in the harness process, so the
 * load generator never shares a process with the server) and reports requests/s, latency
 * percentiles, throughput and non-2xx counts.
 */
export function httpLoad(spec: HttpLoadSpec): Scenario["measure"] {
  return async (target, options) => {
    // autocannon times every response with hrtime but keeps whole milliseconds; keep 10 µs.
    const latencies = new LatencyHistogram();
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: target.url + (spec.path ?? "/"),
          method: (spec.method ?? "GET") as autocannon.Request["method"],
          headers: spec.headers ?? {},
          ...(spec.body === undefined ? {} : { body: spec.body }),
          connections: spec.connections ?? 50,
          pipelining: spec.pipelining ?? 1,
          duration: options.durationSeconds,
        },
        (error: Error | null, finished: autocannon.Result) => {
          if (error !== null) reject(error);
          else resolve(finished);
        },
      );
      instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
        if (statusCode >= 200 && statusCode < 300) latencies.record(responseTimeMs);
      });
    });
    return {
      requestsPerSecond: result.requests.average,
      p50LatencyMs: latencies.percentile(50),
      p99LatencyMs: latencies.percentile(99),
      throughputMBps: result.throughput.average / 1_048_576,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    };
  };
}

/** The median of a list of numbers (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
