/**
 * The Pulumi SDK captures `new Error().stack` for every promise it makes (runtime/debuggable.ts),
 * only to print them if the program leaks a promise. At 1000 buckets that capture, and tsx's
 * source-map lookups for each frame, cost more than half of the program's evaluation
 * (docs/BENCHMARKS.md). Config errors carry their own one-line message and need no trace, so the
 * program runs without traces unless SECURE_STORAGE_STACK_TRACES=1 asks for them (debugging a
 * crash: an unexpected error then points here).
 */
export const STACK_TRACES_ENV = "SECURE_STORAGE_STACK_TRACES";

export function leanStackTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (env[STACK_TRACES_ENV] === "1") return;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
}
