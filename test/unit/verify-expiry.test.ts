/** verify's expiry check (checks/expiry.ts): warning window, expired credentials, defensive reading. */
import { describe, expect, it } from "vitest";
import {
  checkExpiry,
  DEFAULT_EXPIRY_WARN_DAYS,
  expiredRow,
  expiryNotices,
  formatExpiryWarning,
  parseWarnDays,
} from "../../checks/expiry";
import { judged, runFailed } from "../../checks/report";

const NOW = new Date("2027-03-01T12:00:00.000Z");
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString();
const cred = (generation: number, expiresAt?: unknown) => ({
  id: `p-g${generation}`,
  secret: "s",
  generation,
  ...(expiresAt !== undefined ? { expiresAt } : {}),
});
const key = (current: unknown, previous?: unknown) => ({
  kind: "static",
  access: ["read"],
  prefixes: [],
  current,
  ...(previous ? { previous } : {}),
});
const storage = (current: unknown, previous?: unknown) => ({
  buckets: { files: { provider: "azure", keys: { app: key(current, previous) } } },
});

describe("expiryNotices", () => {
  it("warns by default 14 days ahead", () => {
    expect(DEFAULT_EXPIRY_WARN_DAYS).toBe(14);
  });

  it.each([
    [30, undefined],
    [14.5, undefined],
    [14, { level: "warning", daysLeft: 14 }],
    [9.5, { level: "warning", daysLeft: 9 }],
    [0.01, { level: "warning", daysLeft: 0 }],
    [0, { level: "expired", daysLeft: 0 }],
    [-2, { level: "expired", daysLeft: -2 }],
  ])("a credential expiring in %s days: %j", (days, expected) => {
    const notices = expiryNotices(storage(cred(3, inDays(days))), NOW);
    if (!expected) expect(notices).toEqual([]);
    else expect(notices).toEqual([{ bucket: "files", key: "app", slot: "current", generation: 3, expiresAt: inDays(days), ...expected }]);
  });

  it("takes the window from the caller, 0 = only expired ones", () => {
    expect(expiryNotices(storage(cred(1, inDays(20))), NOW, 30)).toHaveLength(1);
    expect(expiryNotices(storage(cred(1, inDays(0.5))), NOW, 0)).toEqual([]);
    expect(expiryNotices(storage(cred(1, inDays(-0.5))), NOW, 0).map((n) => n.level)).toEqual(["expired"]);
  });

  it("checks the previous slot too", () => {
    const notices = expiryNotices(storage(cred(2, inDays(80)), cred(1, inDays(3))), NOW);
    expect(notices.map((n) => `${n.slot} g${n.generation} ${n.level}`)).toEqual(["previous g1 warning"]);
  });

  it("reads any contract shape defensively: no expiry, no keys, no buckets, junk", () => {
    expect(expiryNotices(storage(cred(1)), NOW)).toEqual([]);
    expect(expiryNotices(storage(cred(1, "")), NOW)).toEqual([]);
    expect(expiryNotices({ buckets: { b: { keys: { r: { kind: "role", roleArn: "arn" } } } } }, NOW)).toEqual([]);
    for (const junk of [undefined, null, 42, "x", [], { buckets: [] }, { buckets: { b: null } }, { buckets: { b: { keys: { k: 1 } } } }]) {
      expect(expiryNotices(junk, NOW)).toEqual([]);
    }
    expect(expiryNotices(storage(cred(1, "next tuesday")), NOW)).toEqual([
      { bucket: "files", key: "app", slot: "current", generation: 1, expiresAt: "next tuesday", level: "warning" },
    ]);
  });
});

describe("what verify prints", () => {
  it("one warning line naming the credential, the date, the days left and what to do", () => {
    const [current] = expiryNotices(storage(cred(3, inDays(9.5))), NOW);
    expect(formatExpiryWarning(current)).toBe(
      `warning: files/app current credential (generation 3) expires ${inDays(9.5)}, in 9 days (warning window 14 days): ` +
        "rotate it: npm run rotate -- files app",
    );
    const [previous] = expiryNotices(storage(cred(2, inDays(80)), cred(1, inDays(0.2))), NOW);
    expect(formatExpiryWarning(previous, 14)).toMatch(/previous credential \(generation 1\) expires .* in less than a day .*retire this one/);
    const [bad] = expiryNotices(storage(cred(1, "soon")), NOW);
    expect(formatExpiryWarning(bad)).toBe(
      'warning: files/app current credential (generation 1) has an unreadable expiry "soon": check the stored policy',
    );
  });

  it("an expired credential as a failed row", () => {
    const [n] = expiryNotices(storage(cred(3, inDays(-1))), NOW);
    expect(expiredRow(n)).toMatchObject({
      bucket: "files",
      key: "app",
      probe: "current credential not expired",
      outcome: "fail",
      ok: false,
      seen: `expired ${inDays(-1)}`,
    });
  });

  it("a warning never fails the run, not even with --strict; an expired credential always does", () => {
    const passed = judged({ bucket: "files", key: "app", probe: "read", expect: "allow" }, "pass", "200", "ok", 1);
    const soon = checkExpiry(storage(cred(2, inDays(80)), cred(1, inDays(3))), NOW);
    expect(soon.failed).toEqual([]);
    expect(soon.warnings).toHaveLength(1);
    for (const strict of [false, true]) expect(runFailed([passed, ...soon.failed], strict)).toBe(false);
    const gone = checkExpiry(storage(cred(2, inDays(-0.1))), NOW);
    expect(gone.warnings).toEqual([]);
    for (const strict of [false, true]) expect(runFailed([passed, ...gone.failed], strict)).toBe(true);
  });

  it.each([
    [undefined, 14],
    ["0", 0],
    ["30", 30],
  ])("--expiry-warn-days %s = %i", (raw, days) => {
    expect(parseWarnDays(raw)).toBe(days);
  });

  it.each(["-1", "1.5", "two", ""])("--expiry-warn-days %j is refused", (raw) => {
    expect(() => parseWarnDays(raw)).toThrow(/--expiry-warn-days: .* is not a whole number of days/);
  });
});
