/**
 * The operations of a preview that count as changes, as `--expect-no-changes` counts them: reads
 * never do (the program reads its own last deployment through a StackReference on every run).
 */
export function changes(summary: Record<string, number>): Array<[string, number]> {
  return Object.entries(summary).filter(([op, n]) => op !== "same" && op !== "read" && n > 0);
}
