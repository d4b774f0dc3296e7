/**
 * Bytes of a stack's state by resource type, as `pulumi stack export` prints it (secrets as
 * ciphertext): what every checkpoint write carries. Pure, so it is unit-tested.
 */
import { FORMER_COMPONENT_TYPES } from "../components/component-types";

export interface StateResourceLike {
  type: string;
  custom?: boolean;
}

export interface TypeSize {
  type: string;
  count: number;
  bytes: number;
}

export interface StateSize {
  /** The whole deployment as one compact JSON document. */
  totalBytes: number;
  resources: number;
  byType: TypeSize[];
}

/** `rowOf`: the row a resource is counted in, its type unless told otherwise. */
export function stateSize(
  deployment: { resources?: StateResourceLike[] },
  rowOf: (r: StateResourceLike) => string = (r) => r.type,
): StateSize {
  const byType = new Map<string, TypeSize>();
  for (const r of deployment.resources ?? []) {
    const type = rowOf(r);
    const t = byType.get(type) ?? { type, count: 0, bytes: 0 };
    t.count++;
    t.bytes += Buffer.byteLength(JSON.stringify(r));
    byType.set(type, t);
  }
  return {
    totalBytes: Buffer.byteLength(JSON.stringify(deployment)),
    resources: deployment.resources?.length ?? 0,
    byType: [...byType.values()].sort((a, b) => b.bytes - a.bytes),
  };
}

const currentComponentType = new Map(Object.entries(FORMER_COMPONENT_TYPES).map(([now, former]) => [former, now]));

/**
 * The row for a resource of a state an earlier commit wrote (the "before" column): a component
 * under its current token. The MinIO and B2 components had their bucket's token, so without this
 * their bytes would land on the bucket's row.
 */
export function currentRow(r: StateResourceLike): string {
  return (r.custom === false && currentComponentType.get(r.type)) || r.type;
}

/** `2.9 KB`, `15.2 MB` (powers of 1000, like `ls -h --si`). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
