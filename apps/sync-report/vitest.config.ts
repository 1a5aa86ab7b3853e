import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The server tests measure latency and memory of child processes; running test files one
    // at a time keeps them from competing with each other for the CPU.
    fileParallelism: false,
  },
});
