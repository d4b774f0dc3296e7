import { describe, expect, it } from "vitest";
import { leanStackTraces } from "../../stacks/stack-traces";

describe("the program's stack traces", () => {
  it("are off (no frames, no source maps) unless SECURE_STORAGE_STACK_TRACES=1 asks for them", () => {
    const [maps, limit] = [process.sourceMapsEnabled, Error.stackTraceLimit];
    try {
      process.setSourceMapsEnabled(true);
      Error.stackTraceLimit = 10;
      leanStackTraces({ SECURE_STORAGE_STACK_TRACES: "1" });
      expect([process.sourceMapsEnabled, Error.stackTraceLimit]).toEqual([true, 10]);
      expect(new Error("x").stack).toMatch(/\n\s+at /);
      leanStackTraces({});
      expect([process.sourceMapsEnabled, Error.stackTraceLimit]).toEqual([false, 0]);
      expect(new Error("x").stack).toBe("Error: x");
    } finally {
      process.setSourceMapsEnabled(maps);
      Error.stackTraceLimit = limit;
    }
  });
});
