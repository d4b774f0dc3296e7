import { describe, expect, it } from "vitest";
import { useRawStackTraces } from "../../stacks/stack-traces";

describe("the program's stack traces", () => {
  it("skip source maps unless SECURE_STORAGE_SOURCE_MAPS=1 asks for them", () => {
    const before = process.sourceMapsEnabled;
    try {
      process.setSourceMapsEnabled(true);
      useRawStackTraces({ SECURE_STORAGE_SOURCE_MAPS: "1" });
      expect(process.sourceMapsEnabled).toBe(true);
      useRawStackTraces({});
      expect(process.sourceMapsEnabled).toBe(false);
    } finally {
      process.setSourceMapsEnabled(before);
    }
  });
});
