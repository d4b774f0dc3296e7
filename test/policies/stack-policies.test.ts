/** Stack policies against their data tables: violations point at the offending resource's URN. */
import { describe, expect, it } from "vitest";
import { stackCases } from "./cases/stack";
import { stackInlineCases } from "./cases/stack-inline";
import { runStack, urnOf } from "./harness";

describe("stack policies", () => {
  it.each([...stackCases, ...stackInlineCases].map((c) => [`${c.policy}: ${c.title} -> ${c.bad ? `${c.bad.length} violation(s)` : "passes"}`, c] as const))("%s", async (_t, c) => {
    const violations = await runStack(c.policy, c.resources);
    const expected = c.bad ?? [];
    expect(violations, JSON.stringify(violations, null, 1)).toHaveLength(expected.length);
    expected.forEach(([re, name], i) => {
      expect(violations[i].message).toMatch(re);
      const r = c.resources.find((x) => x.name === name)!;
      expect(violations[i].urn).toBe(urnOf(r));
    });
  });
});
