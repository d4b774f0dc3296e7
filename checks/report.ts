/** Probe results: one row per request, printed as a table, JSON or JUnit XML. */
export interface ProbeResult {
  bucket: string;
  key: string;
  probe: string;
  expect: "allow" | "deny" | "contain";
  seen: string;
  ok: boolean;
  ms: number;
}

export function formatTable(rows: ProbeResult[]): string {
  const head = ["", "bucket", "key", "probe", "expect", "seen", "ms"];
  const body = rows.map((r) => [r.ok ? "ok" : "FAIL", r.bucket, r.key, r.probe, r.expect, r.seen, String(r.ms)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(head), ...body.map(line)].join("\n");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function formatJunit(rows: ProbeResult[], suite = "storage-verify"): string {
  const failures = rows.filter((r) => !r.ok).length;
  const cases = rows.map((r) => {
    const name = esc(`${r.key} ${r.probe} (expect ${r.expect})`);
    const inner = r.ok ? "" : `<failure message="${esc(`expected ${r.expect}, saw ${r.seen}`)}"/>`;
    return `    <testcase classname="${esc(r.bucket)}" name="${name}" time="${(r.ms / 1000).toFixed(3)}">${inner}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${suite}" tests="${rows.length}" failures="${failures}">\n${cases.join("\n")}\n  </testsuite>\n</testsuites>\n`;
}

export function summary(rows: ProbeResult[]): string {
  const failed = rows.filter((r) => !r.ok).length;
  const denied = rows.filter((r) => r.expect === "deny").length;
  return `${rows.length - failed} passed, ${failed} failed (${rows.length} probes, ${denied} must-be-denied)`;
}
