/**
 * The Pulumi SDK captures `new Error().stack` for every promise it makes (runtime/debuggable.ts),
 * only to print them if the program leaks a promise. At 1000 buckets that capture, and tsx's
 * source-map lookups for each frame, cost more than half of the program's evaluation
 * (docs/BENCHMARKS.md). Config errors carry their own one-line message and need no trace, so the
 * program runs without traces unless SECURE_STORAGE_STACK_TRACES=1 asks for them (debugging a
 * crash: an unexpected error then points here).
 *
 * The SDK also captures a full, unlimited stack for every resource (`Resource.callsites`) and the
 * engine stores it in the state as `sourcePosition` + `stackTrace`: about 0.8 KB per resource,
 * rewritten with every checkpoint, for a "view source" link that only Pulumi Cloud shows. Lean
 * mode registers resources without it.
 */
import * as pulumi from "@pulumi/pulumi";

export const STACK_TRACES_ENV = "SECURE_STORAGE_STACK_TRACES";

/** The SDK's private per-resource stack capture (`Resource.callsites`, checked with @pulumi/pulumi 3.260). */
interface CallsiteCapture {
  callsites?: () => unknown[];
}

export function leanStackTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (env[STACK_TRACES_ENV] === "1") return;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  const sdk = pulumi.Resource as unknown as CallsiteCapture;
  if (typeof sdk.callsites === "function") sdk.callsites = () => [];
}
