/**
 * The rotation rule every update obeys, checked by the program against what the stack last
 * deployed (README, "Rotation runbook"): generations only go up, one at a time, and the
 * credential applications use now is never deleted in the update that creates its successor.
 * It governs static keys only: role and identity keys have no credential to rotate.
 */
import type { KeyContract, StorageContract } from "../components/contract";
import type { KeySpec, StorageSpec } from "../components/spec";

export type RotationStep = "idle" | "bumped" | "both-alive" | "retiring";

export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RotationError";
  }
}

export const keyPath = (bucket: string, key: string) => `storage:buckets.${bucket}.keys.${key}`;

/** Where a key's rotation stands. Throws RotationError on config that would break applications. */
export function rotationStep(bucket: string, key: string, cfg: KeySpec, deployed: KeyContract | undefined): RotationStep {
  const at = keyPath(bucket, key);
  if (!deployed) return "bumped"; // not deployed yet: the next `up` creates it
  if (deployed.kind !== "static") return "idle"; // a role or identity key has no credential generations
  const live = deployed.current.generation;
  if (cfg.generation < live) {
    throw new RotationError(`${at}.generation: ${cfg.generation} is lower than the deployed generation ${live}; generations only go up`);
  }
  if (cfg.generation > live + 1) {
    throw new RotationError(
      `${at}.generation: ${cfg.generation} skips ahead of the deployed generation ${live}; bump by one, or the credential ` +
        `applications use now (g${live}) would be deleted in the same update`,
    );
  }
  if (cfg.generation === live + 1) {
    if (cfg.retirePrevious) {
      throw new RotationError(
        `${at}.retirePrevious: true in the update that creates g${cfg.generation} would delete g${live}, which applications ` +
          `use now, before any of them could switch; deploy the bump first, then set retirePrevious`,
      );
    }
    return "bumped";
  }
  if (deployed.previous) return cfg.retirePrevious ? "retiring" : "both-alive";
  return "idle";
}

/** Generation problems across a whole spec against what is deployed (checked before every update). */
export function generationProblems(spec: StorageSpec, deployed: StorageContract | undefined): string[] {
  const problems: string[] = [];
  for (const [bucket, b] of Object.entries(spec.buckets)) {
    for (const [key, k] of Object.entries(b.keys)) {
      try {
        rotationStep(bucket, key, k, deployed?.buckets[bucket]?.keys[key]);
      } catch (e) {
        if (e instanceof RotationError) problems.push(e.message);
        else throw e;
      }
    }
  }
  return problems;
}
