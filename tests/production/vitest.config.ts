import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Each file drives real child processes (sluice, nginx) and measures memory; running
    // files one after another keeps them from starving each other on a small machine.
    fileParallelism: false,
  },
});
