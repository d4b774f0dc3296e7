/**
 * What a stack's state says it owns on a MinIO server against what the server holds: items the
 * state has and MinIO lacks (missing), and items that look like the stack's but the state lacks
 * (orphans, e.g. left by an interrupted create). Names only: no secret is read or returned.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { accessKeyPrefix } from "../../components/minio/access-key";
import { keyPolicyName } from "../../components/minio/key-impl";
import type { AdminCredentials, MinioConnection } from "../../components/minio/admin-client";
import { physicalBucketName } from "../../components/naming";
import { listMinio, type LiveInventory } from "./minio-listing";
import { ROOT } from "./workspace";

export type ItemKind = "bucket" | "policy" | "user";

export interface InventoryItem {
  kind: ItemKind;
  name: string;
  /** Why it is listed (the policy an orphan user is attached to, the URN a missing item has). */
  detail: string;
}

/** The stack's MinIO resources as the state records them, on one endpoint. */
export interface StateInventory {
  buckets: Map<string, string>;
  policies: Map<string, string>;
  users: Map<string, string>;
  /** Operations an interrupted update left in the state (`pulumi refresh --clear-pending-creates` clears them). */
  pending: InventoryItem[];
  /** The connection the state's resources use, when any are recorded. */
  conn?: MinioConnection;
  /** MinIO resources recorded for another endpoint, not compared. */
  elsewhere: number;
  /** The highest key generation the state records (0 when it has no user). */
  maxGeneration: number;
}

export interface InventoryReport {
  project: string;
  stack: string;
  endpoint: string;
  missing: InventoryItem[];
  orphans: InventoryItem[];
  pending: InventoryItem[];
  counts: { state: Record<ItemKind, number>; server: Record<ItemKind, number>; elsewhere: number };
}

interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface Deployment {
  resources?: StateResource[];
  pending_operations?: Array<{ resource: StateResource; type: string }>;
}

/**
 * The provider plugin's types, and the older ones a stack holds until its next `up` migrates it
 * (dynamic types; a policy and a user per key before minio:Key). A key generation is two items
 * on the server: its policy and its user.
 */
const TYPE_KINDS: Record<string, readonly ItemKind[]> = {
  "secure-storage:minio:Bucket": ["bucket"],
  "secure-storage:minio:Key": ["policy", "user"],
  "secure-storage:minio:Policy": ["policy"],
  "secure-storage:minio:User": ["user"],
  "pulumi-nodejs:dynamic/minio:Bucket": ["bucket"],
  "pulumi-nodejs:dynamic/minio:Policy": ["policy"],
  "pulumi-nodejs:dynamic/minio:User": ["user"],
};
/**
 * Only custom resources are items: state written before the MinIO component got a token of its own
 * (components/component-types.ts) holds it as `secure-storage:minio:Bucket` until the next `up`.
 */
const kindsOf = (r: StateResource): readonly ItemKind[] => (r.custom === false ? [] : (TYPE_KINDS[r.type] ?? []));
const isKey = (r: StateResource) => r.type === "secure-storage:minio:Key";

export function projectName(): string {
  return String((parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name);
}

/**
 * The stack's deployment as `pulumi stack export` prints it (secrets stay encrypted). Asynchronous,
 * so a process running inline Pulumi programs keeps serving them meanwhile.
 */
export async function exportDeployment(stack: string): Promise<Deployment> {
  const what = `pulumi stack export --stack ${stack}`;
  const opts = { cwd: ROOT, env: process.env, maxBuffer: 256 << 20 };
  const out = await new Promise<string>((resolve, reject) => {
    execFile("pulumi", ["stack", "export", "--stack", stack], opts, (e, stdout, stderr) => {
      if (!e) return resolve(stdout);
      const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
      if (missing) return reject(new Error(`${what}: pulumi not found (run through npm)`));
      const why = stderr.trim().split("\n").pop() || e.message.split("\n")[0];
      reject(new Error(`${what}: ${why.replace(/^error: /, "")}`));
    });
  });
  return (JSON.parse(out) as { deployment?: Deployment }).deployment ?? {};
}

function connOf(props: Record<string, unknown> | undefined): MinioConnection | undefined {
  const c = props?.conn as Partial<MinioConnection> | undefined;
  if (typeof c?.endpoint !== "string") return undefined;
  const region = typeof c.region === "string" ? c.region : "us-east-1";
  return { endpoint: c.endpoint, region, ...(c.caBundle ? { caBundle: c.caBundle } : {}) };
}

/** The name MinIO knows a resource by: the id once created, else what its inputs will name. */
function nameOf(kind: ItemKind, r: StateResource): string | undefined {
  const props = r.outputs ?? r.inputs ?? {};
  if (isKey(r) && kind === "policy") {
    // From the slot, not the recorded mapping: that one shows drift (`ours,consoleAdmin`).
    const { slot, generation } = props;
    return typeof slot === "string" && typeof generation === "number" ? keyPolicyName(slot, generation) : undefined;
  }
  if (r.id) return r.id;
  const field = { bucket: "bucket", policy: "name", user: "accessKey" }[kind];
  return typeof props[field] === "string" ? (props[field] as string) : undefined;
}

/** The state's MinIO items on `endpoint` (or on the first endpoint the state uses when not given). */
export function stateInventory(deployment: Deployment, endpoint?: string): StateInventory {
  const inv: StateInventory = {
    buckets: new Map(),
    policies: new Map(),
    users: new Map(),
    pending: [],
    elsewhere: 0,
    maxGeneration: 0,
  };
  const recorded = (deployment.resources ?? []).map((r) => connOf(r.outputs ?? r.inputs)).find(Boolean);
  const target = endpoint ?? recorded?.endpoint;
  for (const r of deployment.resources ?? []) {
    const kinds = kindsOf(r);
    if (!kinds.length) continue;
    const conn = connOf(r.outputs ?? r.inputs);
    if (conn && target && conn.endpoint !== target) {
      inv.elsewhere++;
      continue;
    }
    if (conn && !inv.conn) inv.conn = conn;
    for (const kind of kinds) {
      const name = nameOf(kind, r);
      if (name) ({ bucket: inv.buckets, policy: inv.policies, user: inv.users })[kind].set(name, r.urn);
    }
    const generation = (r.outputs ?? r.inputs)?.generation;
    if (kinds.includes("user") && typeof generation === "number") {
      inv.maxGeneration = Math.max(inv.maxGeneration, generation);
    }
  }
  for (const op of deployment.pending_operations ?? []) {
    for (const kind of kindsOf(op.resource)) {
      const name = nameOf(kind, op.resource) ?? "(name not recorded)";
      inv.pending.push({ kind, name, detail: `pending ${op.type}: ${op.resource.urn.split("::").pop()}` });
    }
  }
  return inv;
}

/** True when `name` is exactly the physical name this project/stack gives some logical bucket. */
export function isStackBucketName(name: string, project: string, stack: string): boolean {
  for (let i = name.indexOf("-"); i > 0; i = name.indexOf("-", i + 1)) {
    if (physicalBucketName(project, stack, name.slice(0, i)) === name) return true;
  }
  return false;
}

/** The key name of a credential slot `<physical bucket>-<key>` (components/minio/index.ts), if it is this stack's. */
function slotKey(slot: string, project: string, stack: string): string | undefined {
  for (let i = slot.lastIndexOf("-"); i > 0; i = slot.lastIndexOf("-", i - 1)) {
    if (isStackBucketName(slot.slice(0, i), project, stack)) return slot.slice(i + 1);
  }
  return undefined;
}

/**
 * The slot and key name of one of this stack's policies: a key generation's `<slot>-g<N>`
 * (key-impl.ts), or `<slot>` itself, the policy a key's generations shared before minio:Key.
 */
export function stackPolicySlot(
  name: string,
  project: string,
  stack: string,
): { slot: string; key: string } | undefined {
  const generation = /^(.+)-g\d+$/.exec(name);
  for (const slot of generation ? [generation[1], name] : [name]) {
    const key = slotKey(slot, project, stack);
    if (key !== undefined) return { slot, key };
  }
  return undefined;
}

export function isStackPolicyName(name: string, project: string, stack: string): boolean {
  return stackPolicySlot(name, project, stack) !== undefined;
}

/**
 * Access keys start with a hash of their policy and generation (components/minio/access-key.ts),
 * so a user left without a policy still names its credential slot: prefix -> "<policy> g<N>".
 */
function slotPrefixes(policies: Iterable<string>, maxGeneration: number, ids: { project: string; stack: string }) {
  const slots = new Map<string, string>();
  for (const policy of policies) {
    const found = stackPolicySlot(policy, ids.project, ids.stack);
    if (!found) continue;
    // An interrupted create is of a generation the state has, or of the next one (a rotation).
    for (let g = 1; g <= maxGeneration + 1; g++) {
      slots.set(accessKeyPrefix(found.key, found.slot, g), `${found.slot} g${g}`);
    }
  }
  return slots;
}

/** Missing and orphaned items of one stack on one server; pure, so tests run it on any listing. */
export function compareInventory(
  state: StateInventory,
  live: LiveInventory,
  ids: { project: string; stack: string; endpoint: string },
): InventoryReport {
  const { project, stack } = ids;
  const liveUsers = new Set(live.users.map((u) => u.accessKey));
  const absent = (kind: ItemKind, recorded: Map<string, string>, present: (name: string) => boolean) =>
    [...recorded].filter(([name]) => !present(name)).map(([name, urn]) => ({ kind, name, detail: urn }));
  const missing: InventoryItem[] = [
    ...absent("bucket", state.buckets, (b) => live.buckets.includes(b)),
    ...absent("policy", state.policies, (p) => live.policies.includes(p)),
    ...absent("user", state.users, (u) => liveUsers.has(u)),
  ];
  const ours = (policy: string) => state.policies.has(policy) || isStackPolicyName(policy, project, stack);
  const slots = slotPrefixes(new Set([...state.policies.keys(), ...live.policies]), state.maxGeneration, ids);
  const slotOf = (accessKey: string) => [...slots].find(([prefix]) => accessKey.startsWith(prefix))?.[1];
  const unattached = (accessKey: string) => {
    const slot = slotOf(accessKey);
    if (slot) return `no policy attached; access key of slot ${slot}`;
    return "no policy attached; not one of this stack's slots";
  };
  const orphans: InventoryItem[] = [
    ...live.buckets
      .filter((b) => !state.buckets.has(b) && isStackBucketName(b, project, stack))
      .map((name) => ({ kind: "bucket" as const, name, detail: "named like this stack's buckets" })),
    ...live.policies
      .filter((p) => !state.policies.has(p) && isStackPolicyName(p, project, stack))
      .map((name) => ({ kind: "policy" as const, name, detail: "named after this stack's bucket" })),
    // A user with no policy at all is what an interrupted create leaves between add-user and
    // attach. Its access key names its slot when it is this stack's; one whose key names no
    // stack's slot (made before slot prefixes, or by hand) is listed by every stack's inventory.
    ...live.users
      .filter((u) => !state.users.has(u.accessKey) && (u.policies.length === 0 || u.policies.some(ours)))
      .map((u) => ({
        kind: "user" as const,
        name: u.accessKey,
        detail: u.policies.length ? `attached to ${u.policies.join(", ")}` : unattached(u.accessKey),
      })),
  ];
  const stackUsers = live.users.filter((u) => state.users.has(u.accessKey) || u.policies.some(ours));
  return {
    project,
    stack,
    endpoint: ids.endpoint,
    missing,
    orphans,
    pending: state.pending,
    counts: {
      state: { bucket: state.buckets.size, policy: state.policies.size, user: state.users.size },
      server: {
        bucket: live.buckets.filter((b) => state.buckets.has(b) || isStackBucketName(b, project, stack)).length,
        policy: live.policies.filter(ours).length,
        user: stackUsers.length,
      },
      elsewhere: state.elsewhere,
    },
  };
}

export interface InventoryOptions {
  stack: string;
  creds: AdminCredentials;
  /** Defaults to the endpoint the state records, then the local MinIO. */
  endpoint?: string;
  /** The deployment to compare (default: `pulumi stack export`). */
  deployment?: Deployment;
}

export const DEFAULT_ENDPOINT = "http://127.0.0.1:9000";

export async function inventory(opts: InventoryOptions): Promise<InventoryReport> {
  const state = stateInventory(opts.deployment ?? (await exportDeployment(opts.stack)), opts.endpoint);
  const endpoint = opts.endpoint ?? state.conn?.endpoint ?? DEFAULT_ENDPOINT;
  const conn: MinioConnection = state.conn?.endpoint === endpoint ? state.conn : { endpoint, region: "us-east-1" };
  const live = await listMinio(conn, opts.creds);
  return compareInventory(state, live, { project: projectName(), stack: opts.stack, endpoint });
}

/** Whether the stack and the server agree: nothing missing, orphaned or left pending. */
export function isClean(r: InventoryReport): boolean {
  return r.missing.length + r.orphans.length + r.pending.length === 0;
}
