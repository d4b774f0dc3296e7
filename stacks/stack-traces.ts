/**
 * The Pulumi SDK captures a stack trace for every promise it makes (runtime/debuggable.ts), and
 * tsx turns on Node's source-map support, which maps each of those traces through the sources:
 * about a third of the program's evaluation time at 1000 buckets (docs/BENCHMARKS.md). Config
 * errors carry their own message, so the program runs with raw positions unless asked.
 */
export function useRawStackTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (env.SECURE_STORAGE_SOURCE_MAPS === "1") return; // debugging a crash in the program
  process.setSourceMapsEnabled(false);
}
