/**
 * The two-slot rotation rule, written once for every adapter: a key has the credential of its
 * current generation, and the previous generation's until `retirePrevious`. Each slot is its own
 * resource named by generation, so a bump creates the new credential before Pulumi deletes the
 * one that fell out of the window, and no other change ever replaces a credential.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContractInput, Credential, StaticKeyContract } from "./contract";
import type { KeySpec } from "./spec";

type Generations = Pick<KeySpec, "generation" | "retirePrevious">;

/** Generations whose credential is alive: current first, then the previous one unless retired. */
export function liveGenerations(key: Generations): number[] {
  return key.generation > 1 && !key.retirePrevious ? [key.generation, key.generation - 1] : [key.generation];
}

/** The generation `retirePrevious` just dropped, if any (GCS can keep it INACTIVE instead of deleting it). */
export function retiredGeneration(key: Generations): number | undefined {
  return key.generation > 1 && key.retirePrevious ? key.generation - 1 : undefined;
}

/**
 * A static key's contract: `slot(g)` creates generation g's credential resource, `credential`
 * reads its id and secret (the secret is wrapped as a Pulumi secret here, once for every adapter).
 */
export function staticKey<R>(
  key: Pick<KeySpec, "access" | "prefixes" | "generation" | "retirePrevious">,
  slot: (generation: number) => R,
  credential: (resource: R) => Omit<ContractInput<Credential>, "generation">,
): ContractInput<StaticKeyContract> {
  const [current, previous] = liveGenerations(key).map((generation): ContractInput<Credential> => {
    const c = credential(slot(generation));
    return { ...c, secret: pulumi.secret(c.secret), generation };
  });
  return {
    kind: "static",
    access: key.access,
    prefixes: key.prefixes,
    current,
    ...(previous ? { previous } : {}),
  };
}
