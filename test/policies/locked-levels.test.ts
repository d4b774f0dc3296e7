import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/all";
import { loweredLockRefusal } from "../../policies/locked-levels";
import { LOCKED_GUARDS } from "../../policies/policy";

const locked = catalog.find((p) => LOCKED_GUARDS.includes(p.guard))!.name;
const unlocked = catalog.find((p) => !LOCKED_GUARDS.includes(p.guard))!.name;

describe("levels the engine configures for locked policies", () => {
  it.each(["advisory", "disabled"])("%s on a locked policy is refused, naming it", (level) => {
    expect(loweredLockRefusal(catalog, { [locked]: level })).toBe(
      `refused: public-access and encryption policies are mandatory in every stack; this config lowers ${locked}=${level}`,
    );
  });

  it.each(["mandatory", "remediate"])("%s keeps a locked policy enforced", (level) => {
    expect(loweredLockRefusal(catalog, { [locked]: level })).toBeUndefined();
  });

  it("other policies may be lowered", () => {
    expect(loweredLockRefusal(catalog, { [unlocked]: "advisory" })).toBeUndefined();
  });
});
