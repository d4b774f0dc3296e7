import { describe, expect, it } from "vitest";
import { formatJunit, formatTable, summary, type ProbeResult } from "../../checks/report";

const rows: ProbeResult[] = [
  { bucket: "b", key: "k", probe: "presigned PUT", expect: "allow", seen: "200", ok: true, ms: 5 },
  { bucket: "b", key: "k", probe: "list <root>", expect: "deny", seen: "200", ok: false, ms: 3 },
];

describe("verify report", () => {
  it("marks failures in the table and the summary", () => {
    expect(formatTable(rows)).toMatch(/^FAIL\s+b\s+k\s+list <root>\s+deny\s+200/m);
    expect(summary(rows)).toBe("1 passed, 1 failed (2 probes, 1 must-be-denied)");
  });
  it("writes JUnit with escaped names and one failure", () => {
    const xml = formatJunit(rows);
    expect(xml).toContain('tests="2" failures="1"');
    expect(xml).toContain("list &lt;root&gt;");
    expect(xml).toContain('<failure message="expected deny, saw 200"/>');
  });
});
