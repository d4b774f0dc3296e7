/**
 * Zero-downtime key rotation through stack updates (DESIGN.md, "Keys and rotation").
 *
 * The step a rotation is at is derived from the stack config and the deployed contract, never
 * from a side file, so `npm run rotate` can be re-run after any interruption and continues:
 *
 *   idle ──bump──► bumped ──up──► both-alive ──(apps switch)──► retiring ──up──► idle
 *
 * Checks run between the steps: after the first `up` the new credential must round-trip and
 * the old one must still work; after the second, the old one must be denied.
 */
import type { Credential, StaticKeyContract, StorageContract } from "../../components/contract";
import type { KeySpec } from "../../components/spec";
import { keyPath, RotationError, rotationStep, type RotationStep } from "../../stacks/generations";
import type { ProbeResult } from "../../checks/report";

export { generationProblems, RotationError, rotationStep, type RotationStep } from "../../stacks/generations";

/** What a rotation needs from a stack: its config, a way to change one key, `up`, and `verify`. */
export interface RotationTarget {
  readonly stack: string;
  /** The key's config as validated by the spec. */
  keySpec(bucket: string, key: string): KeySpec;
  /** Change the key's config: `retirePrevious: undefined` removes the field. */
  updateKey(bucket: string, key: string, patch: { generation?: number; retirePrevious?: boolean }): Promise<void>;
  /** The deployed contract, or undefined before the first `up`. */
  contract(): Promise<StorageContract | undefined>;
  /** Run `pulumi up` and return the new contract. */
  up(): Promise<StorageContract>;
  /** Probe one bucket of the contract; `retired` credentials must be denied. */
  verify(contract: StorageContract, bucket: string, retired?: Record<string, Credential>): Promise<ProbeResult[]>;
}

export interface RotateOptions {
  /** Continue past the point where applications switch to the new credential. */
  yes?: boolean;
  /** Print the plan and change nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Called once both generations work, before retiring (tests wait here for their clients). */
  beforeRetire?: (contract: StorageContract) => Promise<void>;
}

export interface RotateResult {
  /** Where the rotation stopped. */
  step: RotationStep;
  /** Generation now current. */
  generation: number;
  /** Every probe row run between the steps. */
  rows: ProbeResult[];
}

function requireKey(contract: StorageContract, bucket: string, key: string): StaticKeyContract {
  const k = contract.buckets[bucket]?.keys[key];
  if (!k) throw new RotationError(`${keyPath(bucket, key)}: not in the deployed contract after up`);
  if (k.kind !== "static") throw new RotationError(nothingToRotate(bucket, key, k.kind));
  return k;
}

/** Role and identity keys have no secret: sessions and tokens expire on their own. */
function nothingToRotate(bucket: string, key: string, kind: "role" | "identity"): string {
  const how =
    kind === "role" ? "its principals assume the role for sessions that expire" : "its principal signs in with its own Entra ID tokens";
  return `${keyPath(bucket, key)}: ${kind === "role" ? "a role" : "an identity"} key has no static credential to rotate (${how})`;
}

async function checked(target: RotationTarget, contract: StorageContract, bucket: string, what: string, log: (l: string) => void, retired?: Record<string, Credential>) {
  const rows = await target.verify(contract, bucket, retired);
  const failed = rows.filter((r) => !r.ok);
  log(`  verify ${bucket}: ${rows.length - failed.length}/${rows.length} probes ok (${what})`);
  if (failed.length) {
    const lines = failed.map((r) => `    FAIL ${r.key} ${r.probe}: expected ${r.expect}, saw ${r.seen}`);
    throw new RotationError(`verify failed after ${what}; nothing further was changed:\n${lines.join("\n")}`);
  }
  return rows;
}

/** Run (or resume) the rotation of one key. */
export async function rotate(target: RotationTarget, bucket: string, key: string, opts: RotateOptions = {}): Promise<RotateResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const cfg = target.keySpec(bucket, key);
  const deployed = await target.contract();
  if (!deployed?.buckets[bucket]?.keys[key]) {
    throw new RotationError(`${keyPath(bucket, key)}: not deployed on stack "${target.stack}"; run npm run deploy -- --stack ${target.stack} first`);
  }
  const deployedKey = deployed.buckets[bucket].keys[key];
  if (deployedKey.kind !== "static") throw new RotationError(nothingToRotate(bucket, key, deployedKey.kind));
  let step = rotationStep(bucket, key, cfg, deployedKey);
  const live = deployedKey.current.generation;
  const rows: ProbeResult[] = [];

  const plan: Record<RotationStep, string[]> = {
    idle: [`bump generation ${live} -> ${live + 1}`, "up", "verify new and old credentials", "wait for applications to switch", "retire", "up", "verify old credential denied"],
    bumped: ["up", "verify new and old credentials", "wait for applications to switch", "retire", "up", "verify old credential denied"],
    "both-alive": ["verify new and old credentials", "wait for applications to switch", "retire", "up", "verify old credential denied"],
    retiring: ["up", "verify old credential denied"],
  };
  log(`rotate ${bucket}/${key} on stack ${target.stack}: at "${step}" (deployed g${live}, config g${cfg.generation})`);
  if (opts.dryRun) {
    plan[step].forEach((s, i) => log(`  ${i + 1}. ${s}`));
    return { step, generation: live, rows };
  }

  let contract = deployed;
  if (step === "idle") {
    log(`[bump] ${keyPath(bucket, key)}.generation: ${live} -> ${live + 1}`);
    await target.updateKey(bucket, key, { generation: live + 1, retirePrevious: undefined });
    step = "bumped";
  }
  if (step === "bumped") {
    log("[up] creating the new credential; the old one stays");
    contract = await target.up();
    step = "both-alive";
  }
  if (step === "both-alive") {
    const k = requireKey(contract, bucket, key);
    if (!k.previous) throw new RotationError(`${keyPath(bucket, key)}: expected the previous generation to be alive after up`);
    rows.push(...(await checked(target, contract, bucket, `g${k.current.generation} current and g${k.previous.generation} previous both work`, log)));
    if (!opts.yes) {
      log(
        `\nNext: switch applications to generation ${k.current.generation} (npm run env -- ${bucket} ${key} --stack ${target.stack}),\n` +
          `then run: npm run rotate -- ${bucket} ${key} --stack ${target.stack} --yes`,
      );
      return { step, generation: k.current.generation, rows };
    }
    await opts.beforeRetire?.(contract);
    log(`[retire] ${keyPath(bucket, key)}.retirePrevious: true`);
    await target.updateKey(bucket, key, { retirePrevious: true });
    step = "retiring";
  }
  if (step === "retiring") {
    // Held in memory only: after this `up` the contract no longer carries the old credential.
    const old = requireKey(contract, bucket, key).previous;
    log("[up] deleting the previous credential");
    contract = await target.up();
    if (old) rows.push(...(await checked(target, contract, bucket, `g${old.generation} retired and denied`, log, { [key]: old })));
    step = "idle";
  }
  const generation = requireKey(contract, bucket, key).current.generation;
  log(`rotation of ${bucket}/${key} complete: generation ${generation} is the only credential`);
  return { step, generation, rows };
}
