/** The two-slot rule every adapter builds its static keys with (components/key-slots.ts). */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { liveGenerations, retiredGeneration, staticKey } from "../../components/key-slots";

const key = (generation: number, retirePrevious = false) => ({ access: ["read" as const], prefixes: ["a/"], generation, retirePrevious });

describe("two credential slots", () => {
  it.each([
    [key(1), [1], undefined],
    [key(1, true), [1], undefined],
    [key(2), [2, 1], undefined],
    [key(4), [4, 3], undefined],
    [key(4, true), [4], 3],
  ] as const)("%j: live %j, retired %j", (k, live, retired) => {
    expect(liveGenerations(k)).toEqual(live);
    expect(retiredGeneration(k)).toBe(retired);
  });

  it("creates one resource per live generation, current first, and names each credential's generation", async () => {
    const made: number[] = [];
    const c = staticKey(
      key(3),
      (g) => (made.push(g), { id: `id-${g}`, secret: `secret-${g}` }),
      (r) => r,
    );
    expect(made).toEqual([3, 2]);
    expect(c).toMatchObject({ kind: "static", access: ["read"], prefixes: ["a/"] });
    expect([c.current.id, c.current.generation, c.previous?.id, c.previous?.generation]).toEqual(["id-3", 3, "id-2", 2]);
  });

  it("always returns the secret as a Pulumi secret, and never a previous slot once retired", async () => {
    const c = staticKey(key(2, true), (g) => g, (g) => ({ id: `id-${g}`, secret: `s-${g}` }));
    expect(await pulumi.isSecret(pulumi.output(c.current.secret))).toBe(true);
    expect(c).not.toHaveProperty("previous");
  });
});
