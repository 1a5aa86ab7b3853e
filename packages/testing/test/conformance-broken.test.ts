import { beforeAll, describe, expect, it } from "vitest";
import { runConformance, type ConformanceResult } from "../src/index.js";
import { startToyServer, type Fault } from "./toy-server.js";

/** Runs the whole suite against the toy with `faults`; returns the reasons of the checks that did not pass. */
async function nonPassing(faults: Fault[]): Promise<Map<string, ConformanceResult>> {
  const results = await runConformance({ start: (app, options) => startToyServer(app, options, faults), timeoutMs: 2000 });
  return new Map(results.filter((result) => result.status !== "passed").map((result) => [result.id, result]));
}

interface Scenario {
  faults: Fault[];
  /** The status every listed check must end with. Default `"failed"`. */
  status?: "failed" | "skipped";
  expected: Record<string, RegExp>;
}

const scenarios: Scenario[] = [
  {
    faults: ["raw-path", "eager-continue", "head-body", "clean-end-after-error", "no-lifespan-state", "silent-send", "ignore-subprotocol", "ignore-startup-failure"],
    expected: {
      "http.scope.path-decoding": /^scope\.path: expected "\/café\/a\/b c", got "\/caf%C3%A9\/a%2Fb%20c"$/,
      "websocket.scope": /^scope\.path: expected "\/ws\/café", got "\/ws\/caf%C3%A9"$/,
      "http.expect-continue": /sent 100 Continue before the app called receive\(\)/,
      "http.head": /^5 body bytes \("hello"\) followed the HEAD response headers$/,
      "http.error.after-start": /waiting for the server to close the connection after the app failed mid-response/,
      "lifespan.state": /^scope\.state seen by the first request: expected \{"greeting":"hello","marker":null\}, got null$/,
      "lifespan.startup-failed": /start\(\) resolved although the app sent lifespan\.startup\.failed/,
      "http.disconnect.send-rejects": /must reject with ClientDisconnected; it gave nothing \(it resolved\)/,
      "websocket.send-after-close": /must reject with ClientDisconnected; it gave nothing \(it resolved\)/,
      "websocket.subprotocol": /handshake failed in the client: Server sent no subprotocol/,
    },
  },
  {
    faults: ["buffer-body"],
    expected: {
      "http.request.body-chunks": /received the 8 MiB body in 1 http\.request event/,
      // Which of the two symptoms shows depends on timing: usually the whole body is taken;
      // on a busy machine the stall test may see a pause, and then the app was never called.
      "http.request.body-pull": /took all 64 MiB of the request body while the app had not called receive\(\)|the app to be called while the request body is still arriving/,
      "http.expect-continue": /timed out after 2000 ms waiting for the app to be called/,
      "http.disconnect.during-body": /timed out after 2000 ms waiting for the app to be called/,
    },
  },
  {
    faults: ["no-disconnect"],
    expected: {
      "http.disconnect.client-abort": /timed out after 2000 ms waiting for http\.disconnect after the client closed the connection/,
      "http.disconnect.after-response": /timed out after 2000 ms waiting for http\.disconnect from receive\(\) after the response completed/,
      "http.disconnect.send-rejects": /timed out after 2000 ms waiting for the app to see http\.disconnect/,
    },
  },
  {
    faults: ["header-case"],
    expected: {
      "http.scope.headers": /^x-\* and accept headers: expected \[\["x-multi","one"\].*got \[\["X-Multi","one"\]/,
      "websocket.scope": /lacks a lowercased sec-websocket-key/,
    },
  },
  {
    faults: ["no-extensions"],
    status: "skipped",
    expected: {
      "websocket.denial-response": /^the server does not advertise websocket\.http\.response$/,
      "extension.pathsend": /^the server does not advertise http\.response\.pathsend$/,
      "extension.trailers": /^the server does not advertise http\.response\.trailers$/,
      "extension.early_hint": /^the server does not advertise http\.response\.early_hint$/,
    },
  },
];

for (const scenario of scenarios) {
  describe(`conformance suite against the toy adapter with faults ${scenario.faults.join(", ")}`, () => {
    let failures = new Map<string, ConformanceResult>();
    beforeAll(async () => {
      failures = await nonPassing(scenario.faults);
    }, 90_000);

    it("reports exactly the checks these faults affect as not passed, and no others", () => {
      const reasons = Object.fromEntries([...failures].map(([id, result]) => [id, `${result.status}: ${result.reason ?? ""}`]));
      expect([...failures.keys()].sort(), JSON.stringify(reasons, null, 1)).toEqual(Object.keys(scenario.expected).sort());
    });

    for (const [id, reason] of Object.entries(scenario.expected)) {
      it(`${id} ${scenario.status === "skipped" ? "is skipped" : "fails"} with a reason naming what went wrong`, () => {
        expect(failures.get(id)?.status).toBe(scenario.status ?? "failed");
        expect(failures.get(id)?.reason).toMatch(reason);
      });
    }
  });
}
