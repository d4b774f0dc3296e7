/**
 * Stack outputs written before keys carried a `kind` (contract v1) still exist in state until the
 * next `up` rewrites them. Read them as the current shape, so the generation guard, rotate, env
 * and verify work on a stack deployed by an older checkout:
 * - AWS role keys sat in a separate `roles` map;
 * - Azure identity keys sat in `keys` with the principal as `current.id` and an empty secret.
 */
import type { BucketContract, KeyContract, StorageContract } from "../components/contract";

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);

function upgradeKey(k: Loose): KeyContract {
  if (typeof k.kind === "string") return k as unknown as KeyContract;
  const current = isObject(k.current) ? k.current : undefined;
  const { current: _c, previous: _p, ...grant } = k;
  if (current && current.secret === "") {
    // Whether it may mint user-delegation SAS was never in the output: unknown until the next up.
    return { ...grant, kind: "identity", principalId: String(current.id) } as unknown as KeyContract;
  }
  return { ...k, kind: "static" } as unknown as KeyContract;
}

function upgradeBucket(b: Loose): BucketContract {
  const { roles, keys, ...rest } = b;
  const upgraded: Record<string, KeyContract> = {};
  for (const [name, k] of Object.entries(isObject(keys) ? keys : {})) if (isObject(k)) upgraded[name] = upgradeKey(k);
  for (const [name, r] of Object.entries(isObject(roles) ? roles : {})) {
    if (isObject(r)) upgraded[name] = { ...r, kind: "role" } as unknown as KeyContract;
  }
  return { ...rest, keys: upgraded } as unknown as BucketContract;
}

/** The `storage` output in the current contract shape, or undefined when there is none. */
export function upgradeStorageContract(raw: unknown): StorageContract | undefined {
  if (!isObject(raw) || !isObject(raw.buckets)) return undefined;
  const buckets: Record<string, BucketContract> = {};
  for (const [name, b] of Object.entries(raw.buckets)) if (isObject(b)) buckets[name] = upgradeBucket(b);
  return { ...raw, buckets } as StorageContract;
}
