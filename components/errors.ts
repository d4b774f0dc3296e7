/** An error as one line, for messages that carry a cause and a failed cleanup together. */
export function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim();
}
