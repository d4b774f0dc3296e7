import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // e2e and toolchain tests share one MinIO and one Pulumi backend: run files one at a time.
    fileParallelism: false,
    reporters: ["default"],
    // Prunes what `stack rm` leaves in the file backend for the stacks this run created and removed.
    globalSetup: ["test/setup/stack-leftovers.ts"],
  },
});
