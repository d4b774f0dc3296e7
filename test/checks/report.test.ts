import { describe, expect, it } from "vitest";
import { formatJunit, formatTable, judged, runFailed, skipped, summary, unusedAllowances, type ProbeResult } from "../../checks/report";

const rows: ProbeResult[] = [
  judged({ bucket: "b", key: "k", probe: "presigned PUT", expect: "allow" }, "pass", "200", "granted (2xx)", 5),
  judged({ bucket: "b", key: "k", probe: "list <root>", expect: "deny" }, "fail", "200", "expected a refusal (401/403)", 3),
  skipped({ bucket: "b", key: "id", probe: "identity key", expect: "contain" }, "no token for the principal"),
];

describe("report", () => {
  it("every row carries an outcome and its reason; ok means not failed", () => {
    expect(rows.map((r) => [r.outcome, r.ok, r.reason.length > 0])).toEqual([
      ["pass", true, true],
      ["fail", false, true],
      ["skipped", true, true],
    ]);
  });

  it("prints a table with ok/FAIL/SKIP and the reason", () => {
    const t = formatTable(rows);
    expect(t.split("\n")[1]).toMatch(/^ok\s+b\s+k\s+presigned PUT\s+allow\s+200\s+granted/);
    expect(t.split("\n")[2]).toMatch(/^FAIL\s+b\s+k\s+list <root>/);
    expect(t.split("\n")[3]).toMatch(/^SKIP\s+b\s+id\s+identity key\s+contain\s+no token for the principal/);
  });

  it("writes JUnit with escaped names, one failure and one <skipped/>", () => {
    const xml = formatJunit(rows);
    expect(xml).toContain('tests="3" failures="1" skipped="1"');
    expect(xml).toContain("list &lt;root&gt;");
    expect(xml).toContain('<failure message="expected deny, saw 200: expected a refusal (401/403)"/>');
    expect(xml).toContain('<skipped message="no token for the principal"/>');
  });

  it("summarises passed, failed and skipped probes", () => {
    expect(summary(rows)).toBe("1 passed, 1 failed, 1 skipped (3 probes, 1 must-be-denied)");
  });

  it("fails a run on a failed probe, and with strict on a skipped one", () => {
    const passAndSkip = [rows[0], rows[2]];
    expect(runFailed(rows, false)).toBe(true);
    expect(runFailed(passAndSkip, false)).toBe(false);
    expect(runFailed(passAndSkip, true)).toBe(true);
    expect(runFailed([rows[0]], true)).toBe(false);
  });

  it("with strict, a key named in allowSkipped may be skipped; an allowance that matches nothing is stale", () => {
    const passAndSkip = [rows[0], rows[2]];
    expect(runFailed(passAndSkip, true, new Set(["b/id"]))).toBe(false);
    expect(runFailed(passAndSkip, true, new Set(["b/k"]))).toBe(true);
    expect(runFailed(rows, true, new Set(["b/id"]))).toBe(true); // a failure is never excused
    expect(unusedAllowances(passAndSkip, new Set(["b/id", "b/gone"]))).toEqual(["b/gone"]);
    expect(unusedAllowances(passAndSkip, new Set(["b/k"]))).toEqual(["b/k"]); // it passed: nothing to excuse
  });
});
