import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Test files run one at a time: the parallelism and responsiveness tests measure how worker
    // threads share the two cores, which other test files running beside them would distort.
    fileParallelism: false,
  },
});
