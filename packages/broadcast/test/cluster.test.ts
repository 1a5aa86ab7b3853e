import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("cluster:// broadcast", () => {
  it("carries text and binary messages from one cluster worker to another through the primary", async () => {
    const primary = fork(fileURLToPath(new URL("./fixtures/cluster-primary.mjs", import.meta.url)), [], { stdio: "inherit" });
    const [result] = (await once(primary, "message")) as [{ messages: unknown[] }];
    expect(result.messages).toEqual(["from the other worker", [1, 2, 3]]);
    primary.kill();
    await once(primary, "exit");
  });
});
