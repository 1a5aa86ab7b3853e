import type { Scenario } from "../harness.js";

export const scenarios: Scenario[] = [
  {
    name: "broadcast-fanout",
    title: "Broadcast fan-out, 1 publisher → 100 subscribers, 64 B messages",
    baseline: "sluice memory://",
    contenders: [
      { name: "sluice memory://", server: "broadcast-fanout.ts", env: { BACKEND: "memory" } },
      { name: "sluice cluster:// (2 workers)", server: "broadcast-fanout.ts", env: { BACKEND: "cluster" } },
      { name: "sluice redis://", server: "broadcast-fanout.ts", env: { BACKEND: "redis" } },
    ],
    metric: { name: "messagesPerSecond", unit: "msg/s delivered", higherIsBetter: true },
    async measure(target, options) {
      const response = await fetch(`${target.url}/run?seconds=${options.durationSeconds}`);
      if (!response.ok) throw new Error(`fan-out run failed: ${await response.text()}`);
      return (await response.json()) as Record<string, number>;
    },
  },
];
