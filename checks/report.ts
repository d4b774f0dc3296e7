/**
 * Probe results: one row per probe, printed as a table, JSON or JUnit XML. Every row ends in one
 * of three outcomes, each with its reason: `pass` (the server answered as the contract says),
 * `fail` (it did not), `skipped` (no request could be made, e.g. no stand-in for the identity).
 */
export type Verdict = "pass" | "fail" | "skipped";

export interface ProbeResult {
  bucket: string;
  key: string;
  probe: string;
  expect: "allow" | "deny" | "contain";
  outcome: Verdict;
  /** What the server answered ("" when skipped). */
  seen: string;
  /** Why this outcome: the rule that judged the answer, what went wrong, or why nothing was sent. */
  reason: string;
  /**
   * Not failed (pass or skipped). Kept for callers that only ask "did anything fail"; use
   * `outcome` (or `--strict`) to tell a skipped probe from a passed one.
   */
  ok: boolean;
  ms: number;
}

type RowBase = Pick<ProbeResult, "bucket" | "key" | "probe" | "expect">;

export function judged(base: RowBase, outcome: "pass" | "fail", seen: string, reason: string, ms: number): ProbeResult {
  return { ...base, outcome, seen, reason, ok: outcome === "pass", ms };
}

export function skipped(base: RowBase, reason: string): ProbeResult {
  return { ...base, outcome: "skipped", seen: "", reason, ok: true, ms: 0 };
}

const MARK: Record<Verdict, string> = { pass: "ok", fail: "FAIL", skipped: "SKIP" };

export function formatTable(rows: ProbeResult[]): string {
  const head = ["", "bucket", "key", "probe", "expect", "seen", "reason", "ms"];
  const body = rows.map((r) => [MARK[r.outcome], r.bucket, r.key, r.probe, r.expect, r.seen, r.reason, String(r.ms)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(head), ...body.map(line)].join("\n");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function junitCase(r: ProbeResult): string {
  const name = esc(`${r.key} ${r.probe} (expect ${r.expect})`);
  const inner =
    r.outcome === "fail"
      ? `<failure message="${esc(`expected ${r.expect}, saw ${r.seen}: ${r.reason}`)}"/>`
      : r.outcome === "skipped"
        ? `<skipped message="${esc(r.reason)}"/>`
        : "";
  return `    <testcase classname="${esc(r.bucket)}" name="${name}" time="${(r.ms / 1000).toFixed(3)}">${inner}</testcase>`;
}

export function formatJunit(rows: ProbeResult[], suite = "storage-verify"): string {
  const { failed, skip } = counts(rows);
  const attrs = `name="${suite}" tests="${rows.length}" failures="${failed}" skipped="${skip}"`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite ${attrs}>\n` +
    `${rows.map(junitCase).join("\n")}\n  </testsuite>\n</testsuites>\n`
  );
}

function counts(rows: ProbeResult[]) {
  const n = (v: Verdict) => rows.filter((r) => r.outcome === v).length;
  return { passed: n("pass"), failed: n("fail"), skip: n("skipped") };
}

/** "N passed, M failed, K skipped (T probes, D must-be-denied)". */
export function summary(rows: ProbeResult[]): string {
  const { passed, failed, skip } = counts(rows);
  const denied = rows.filter((r) => r.expect === "deny").length;
  return `${passed} passed, ${failed} failed, ${skip} skipped (${rows.length} probes, ${denied} must-be-denied)`;
}

/**
 * Failed on any failed row; with `strict`, also on any skipped row except those of the keys named
 * in `allowSkipped` (`bucket/key`: a key no stand-in or CI identity can probe, accepted by name).
 */
export function runFailed(rows: ProbeResult[], strict: boolean, allowSkipped: ReadonlySet<string> = new Set()): boolean {
  const excused = (r: ProbeResult) => allowSkipped.has(`${r.bucket}/${r.key}`);
  return rows.some((r) => r.outcome === "fail" || (strict && r.outcome === "skipped" && !excused(r)));
}

/** Named exceptions that match no skipped row: stale, so they fail rather than hide a future skip. */
export function unusedAllowances(rows: ProbeResult[], allowSkipped: ReadonlySet<string>): string[] {
  const skippedKeys = new Set(rows.filter((r) => r.outcome === "skipped").map((r) => `${r.bucket}/${r.key}`));
  return [...allowSkipped].filter((a) => !skippedKeys.has(a));
}
