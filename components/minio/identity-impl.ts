/**
 * Implementations of MinIO canned policies, users (one per key generation) and the server-wide
 * CORS origin list, served by the provider plugin (provider/server.ts). Admin credentials come from the environment.
 */
import { changedKeys, type ProviderImpl } from "../dynamic";
import { MinioAdminClient, type MinioConnection } from "./admin-client";
import { samePolicy } from "./policy-form";
import { createScopedUser, readScopedUser, restoreScopedUser, sharedListing } from "./scoped-user";

// bench/direct.ts builds users the way this provider does.
export { newAccessKey, newSecretKey } from "./access-key";

export interface PolicyInputs {
  conn: MinioConnection;
  name: string;
  document: string;
}

export interface UserInputs {
  conn: MinioConnection;
  policyName: string;
  generation: number;
  /** Only to make the access key readable in `mc admin user list` (its first characters). */
  label: string;
}

export interface ServerCorsInputs {
  conn: MinioConnection;
  origins: string[];
}

/** The origin MinIO answers for when a stack allows no browser origin at all (`.invalid` never resolves). */
export const NO_BROWSER_ORIGIN = "https://no-cors.invalid";

export function corsConfigLine(origins: string[]): string {
  const list = origins.length ? [...new Set(origins)].sort().join(",") : NO_BROWSER_ORIGIN;
  return `api cors_allow_origin="${list}"`;
}

export const policyProvider: ProviderImpl = {
  async diff(_id, olds, news) {
    const replaces = changedKeys(olds, news, ["conn", "name"]);
    return { changes: changedKeys(olds, news, ["conn", "name", "document"]).length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(raw) {
    // The name embeds the stack-unique bucket name: an existing policy of that name is ours, left
    // by a create that died before the state recorded it, so it is overwritten, not refused.
    const inputs = raw as unknown as PolicyInputs;
    await new MinioAdminClient(inputs.conn).putPolicy(inputs.name, inputs.document);
    return { id: inputs.name, outs: { ...inputs } };
  },
  async read(id, props) {
    const inputs = props as unknown as PolicyInputs;
    const doc = await new MinioAdminClient(inputs.conn).getPolicy(id);
    if (doc === undefined) return { id: "", props: {} };
    const same = samePolicy(doc, inputs.document);
    return { id, props: { ...props, document: same ? inputs.document : doc } };
  },
  async update(_id, _olds, news) {
    const inputs = news as unknown as PolicyInputs;
    await new MinioAdminClient(inputs.conn).putPolicy(inputs.name, inputs.document);
    return { outs: { ...inputs } };
  },
  async delete(id, props) {
    await new MinioAdminClient((props as unknown as PolicyInputs).conn).deletePolicy(id);
  },
};

/** Props a user's read can report beyond its inputs: our users belong to no group. */
const USER_DRIFT_KEYS = ["groups"] as const;

export const userProvider: ProviderImpl = {
  async diff(_id, olds, news) {
    // A new generation or server is a new credential: create the new one before deleting the old.
    const replaces = changedKeys(olds, news, ["conn", "generation"]);
    const changed = changedKeys(olds, news, ["conn", "generation", "policyName", "label", ...USER_DRIFT_KEYS]);
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(raw) {
    const inputs = raw as unknown as UserInputs;
    const admin = new MinioAdminClient(inputs.conn);
    // Before minio:Key, a key's policy was named after its slot.
    const user = { ...inputs, slot: inputs.policyName };
    const { accessKey, secretKey } = await createScopedUser(admin, user, sharedListing(admin, inputs.conn.endpoint));
    return { id: accessKey, outs: { ...inputs, accessKey, secretKey } };
  },
  async read(id, props) {
    // A widened mapping (another policy next to ours, a group) shows as drift; a deleted user as gone.
    const inputs = props as unknown as UserInputs;
    const live = await readScopedUser(new MinioAdminClient(inputs.conn), id);
    if (!live) return { id: "", props: {} };
    const { groups: _stale, ...rest } = props;
    return { id, props: { ...rest, ...live } };
  },
  async update(id, olds, news) {
    const inputs = news as unknown as UserInputs;
    await restoreScopedUser(new MinioAdminClient(inputs.conn), id, inputs.policyName);
    // The credential is generated at create and is not an input: carry it over, or the contract loses it.
    return { outs: { ...inputs, accessKey: olds.accessKey, secretKey: olds.secretKey } };
  },
  async delete(id, props) {
    await new MinioAdminClient((props as unknown as UserInputs).conn).deleteUser(id);
  },
};

/** The origins in MinIO's `api` config text (`cors_allow_origin=a,b`), without our "none" marker. */
export function parseCorsOrigins(apiConfig: string): string[] {
  const m = /(?:^|\s)cors_allow_origin=("([^"]*)"|\S*)/.exec(apiConfig);
  const raw = m ? (m[2] ?? m[1]) : "";
  return raw
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o && o !== NO_BROWSER_ORIGIN);
}

/**
 * The origin list is one server-wide setting that several stacks (and operators) may share, so
 * each stack adds and removes only its own origins: a destroyed stack must not take another
 * stack's origins with it. MinIO's default `*` is never kept, whoever set it.
 */
async function applyOrigins(conn: MinioConnection, add: string[], remove: string[]): Promise<void> {
  const admin = new MinioAdminClient(conn);
  const current = parseCorsOrigins(await admin.getConfig("api")).filter((o) => o !== "*");
  const next = [...new Set([...current.filter((o) => !remove.includes(o)), ...add])];
  await admin.setConfig(corsConfigLine(next));
}

export const serverCorsProvider: ProviderImpl = {
  async diff(_id, olds, news) {
    return { changes: changedKeys(olds, news, ["conn", "origins"]).length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(raw) {
    const inputs = raw as unknown as ServerCorsInputs;
    await applyOrigins(inputs.conn, inputs.origins, []);
    return { id: new URL(inputs.conn.endpoint).host, outs: { ...inputs } };
  },
  async read(id, props) {
    // Report our origins that the server still lists (a removed one shows as drift) and a `*`
    // if someone opened the server to every origin, so the next `up` closes it again.
    const inputs = props as unknown as ServerCorsInputs;
    const live = parseCorsOrigins(await new MinioAdminClient(inputs.conn).getConfig("api"));
    const origins = [...inputs.origins.filter((o) => live.includes(o)), ...(live.includes("*") ? ["*"] : [])];
    return { id, props: { ...props, origins } };
  },
  async update(_id, olds, news) {
    const before = olds as unknown as ServerCorsInputs;
    const inputs = news as unknown as ServerCorsInputs;
    await applyOrigins(inputs.conn, inputs.origins, before.origins.filter((o) => !inputs.origins.includes(o)));
    return { outs: { ...inputs } };
  },
  async delete(_id, props) {
    const inputs = props as unknown as ServerCorsInputs;
    await applyOrigins(inputs.conn, [], inputs.origins);
  },
};
