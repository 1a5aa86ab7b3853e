// Static file throughput: @sluice/static on @sluice/server vs sirv and serve-static on
// node:http, for 1 KiB, 50 KiB and 1 MiB files (whole-file GETs, no conditional headers).
// The target is at least the better of the two npm packages; sirv is the baseline because it
// keeps its file list in memory and is usually the faster of them.
import { httpLoad, type Scenario } from "../harness.js";

const contenders = [
  { name: "sluice", server: "static-sluice.ts" },
  { name: "sirv on node:http", server: "static-sirv.ts" },
  { name: "serve-static on node:http", server: "static-serve-static.ts" },
];
const metric = { name: "requestsPerSecond", unit: "req/s", higherIsBetter: true };

function fileScenario(label: string, file: string): Scenario {
  return {
    name: `static-${label}`,
    title: `Static file GET, ${label.toUpperCase().replace("K", " KiB").replace("M", " MiB")} file, 50 connections`,
    baseline: "sirv on node:http",
    contenders,
    metric,
    target: 1.0,
    measure: httpLoad({ method: "GET", path: `/${file}`, connections: 50 }),
  };
}

export const scenarios: Scenario[] = [
  fileScenario("1k", "file-1k.txt"),
  fileScenario("50k", "file-50k.txt"),
  fileScenario("1m", "file-1m.txt"),
];
