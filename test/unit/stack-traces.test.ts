import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { leanStackTraces } from "../../stacks/stack-traces";

/**
 * The SDK's private per-resource capture that lean mode replaces (see stacks/stack-traces.ts), and
 * what a resource's constructor calls to get the stack it sends (`Resource.stackTrace`).
 */
const sdk = pulumi.Resource as unknown as { callsites: () => unknown[]; stackTrace: (skip: number) => unknown[] };

describe("the program's stack traces", () => {
  it("are off (no frames, no source maps) unless SECURE_STORAGE_STACK_TRACES=1 asks for them", () => {
    const [maps, limit, callsites] = [process.sourceMapsEnabled, Error.stackTraceLimit, sdk.callsites];
    try {
      process.setSourceMapsEnabled(true);
      Error.stackTraceLimit = 10;
      leanStackTraces({ SECURE_STORAGE_STACK_TRACES: "1" });
      expect([process.sourceMapsEnabled, Error.stackTraceLimit]).toEqual([true, 10]);
      expect(new Error("x").stack).toMatch(/\n\s+at /);
      expect(sdk.callsites()).not.toEqual([]);
      leanStackTraces({});
      expect([process.sourceMapsEnabled, Error.stackTraceLimit]).toEqual([false, 0]);
      expect(new Error("x").stack).toBe("Error: x");
      // No per-resource stack in the state (`sourcePosition`, `stackTrace`): ~0.8 KB a resource.
      expect(sdk.callsites()).toEqual([]);
      expect(sdk.stackTrace(0)).toEqual([]);
    } finally {
      process.setSourceMapsEnabled(maps);
      Error.stackTraceLimit = limit;
      sdk.callsites = callsites;
    }
  });

  it("are captured through the SDK method that lean mode replaces (fails if an SDK upgrade renames it)", () => {
    expect(typeof sdk.callsites).toBe("function");
    const frames = sdk.callsites() as Array<{ file?: string }>;
    expect(frames.some((f) => typeof f.file === "string" && f.file.length > 0)).toBe(true);
    expect(sdk.stackTrace(0).length).toBeGreaterThan(0);
  });
});
