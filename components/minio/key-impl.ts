/**
 * One generation of a MinIO key as ONE resource: its canned policy `<slot>-g<N>` and the user that
 * has exactly that policy attached. Served by the provider plugin (provider/server.ts).
 *
 * One resource instead of a policy plus a user per key cuts the steps, and so the whole-state
 * checkpoint rewrites, of an update (docs/BENCHMARKS.md). Semantics stay those of the pair:
 * - a new generation is a new credential, created before the old one is deleted;
 * - an access or connection change rewrites the policy in place, and the credential stays;
 * - drift (a widened or replaced policy, another policy or a group next to ours) shows on refresh
 *   and the next `up` puts it back;
 * - a user deleted behind Pulumi's back stays in the state, marked `userMissing`, while its policy
 *   is on the server: `up` then replaces the key with a NEW access key, or its removal from config
 *   deletes the policy too, so nothing is left on the server for a human to find.
 * The document is an input (the policy pack reads it there); the outputs keep only its hash, so
 * the state holds it once.
 */
import { createHash } from "node:crypto";
import { changedKeys, type ProviderImpl } from "../dynamic";
import { oneLine } from "../errors";
import { MinioAdminClient, type MinioConnection } from "./admin-client";
import { samePolicyForm } from "./policy-form";
import { accessKeyPrefix } from "./access-key";
import { createScopedUser, readScopedUser, removeOrphans, restoreScopedUser, sharedListing } from "./scoped-user";

export interface KeyInputs {
  conn: MinioConnection;
  /** The credential slot, `<physical bucket>-<key name>`: stack-unique, the same for every generation. */
  slot: string;
  generation: number;
  /** Only to make the access key readable in `mc admin user list` (its first characters). */
  label: string;
  /** The canned policy (IAM JSON) this generation's user gets. */
  document: string;
}

export interface KeyOutputs extends Omit<KeyInputs, "document"> {
  /** The canned policies attached to the user (MinIO's comma list): `<slot>-g<generation>` unless drifted. */
  policyName: string;
  /**
   * sha256 of the policy in normal form (policy-form.ts): of the input after create or update, of
   * what MinIO holds after a refresh; "" when the policy is gone.
   */
  documentSha256: string;
  accessKey: string;
  secretKey: string;
  /** Only when drifted: groups the user was added to. */
  groups?: string[];
  /** Only after a refresh found the user deleted and the policy still there: the key must be replaced. */
  userMissing?: true;
}

/** Each generation owns its policy, so retiring one never takes the other's away. */
export const keyPolicyName = (slot: string, generation: number) => `${slot}-g${generation}`;

type Credential = Pick<KeyOutputs, "accessKey" | "secretKey">;

/** What the state records of a key: its inputs less the document (kept as a hash), and its credential. */
function keyOutputs({ document, ...inputs }: KeyInputs, credential: Credential): KeyOutputs {
  const policyName = keyPolicyName(inputs.slot, inputs.generation);
  return { ...inputs, policyName, documentSha256: documentSha256(document), ...credential };
}

export const documentSha256 = (document: string) =>
  createHash("sha256").update(samePolicyForm(document)).digest("hex");

/**
 * A key that an alias moved here from the former `minio:User` (policy + user pair) has no `slot`
 * in its state: the alias (same name, same parent) already makes it this slot's. Its `policyName`
 * is the live mapping, which may have drifted, so it is never read as the slot.
 */
const moved = (olds: Record<string, unknown>) => olds.slot === undefined;

export const keyProvider: ProviderImpl = {
  async diff(_id, olds, news) {
    const n = news as unknown as KeyInputs;
    const o = moved(olds) ? { ...olds, slot: n.slot } : olds;
    // A deleted user's credential is dead already: delete first, which frees the generation's
    // policy name for the new key (create before delete would have the old key's delete take it).
    if (olds.userMissing) return { changes: true, replaces: ["accessKey"], deleteBeforeReplace: true };
    // Only a new generation (or slot) is a new credential. The connection (endpoint, region, CA) is
    // how the same server is reached: a replacement there would make the new key's create remove
    // the live old user as an orphan of its slot, and the old key's delete take the shared policy.
    const replaces = changedKeys(o, news, ["slot", "generation"]);
    const drifted =
      olds.policyName !== keyPolicyName(n.slot, n.generation) ||
      olds.documentSha256 !== documentSha256(n.document) ||
      olds.groups !== undefined;
    const changed = changedKeys(o, news, ["conn", "slot", "generation", "label"]);
    return { changes: drifted || changed.length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(raw) {
    const inputs = raw as unknown as KeyInputs;
    const admin = new MinioAdminClient(inputs.conn);
    const policyName = keyPolicyName(inputs.slot, inputs.generation);
    // Named after the stack-unique slot: an existing policy of that name is ours, left by a create
    // that died before the state recorded it, so it is overwritten, not refused.
    await admin.putPolicy(policyName, inputs.document);
    let created: Credential;
    try {
      created = await createScopedUser(admin, { ...inputs, policyName }, sharedListing(admin, inputs.conn.endpoint));
    } catch (e) {
      // Nothing of this generation may outlive a failed create: the next create starts clean.
      await admin.deletePolicy(policyName).catch((undo: unknown) => {
        throw new Error(`${oneLine(e)}; removing policy "${policyName}" again failed too (${oneLine(undo)})`);
      });
      throw e;
    }
    return { id: created.accessKey, outs: keyOutputs(inputs, created) };
  },
  async read(id, props) {
    const o = props as unknown as KeyOutputs;
    const admin = new MinioAdminClient(o.conn);
    const live = await readScopedUser(admin, id);
    const policy = await admin.getPolicy(keyPolicyName(o.slot, o.generation));
    const hash = policy === undefined ? "" : documentSha256(policy);
    const { groups: _stale, userMissing: _was, ...rest } = props;
    if (live) return { id, props: { ...rest, ...live, documentSha256: hash } };
    // Dropping the key would leave its policy on the server for good if the key left config next.
    if (policy === undefined) return { id: "", props: {} };
    return { id, props: { ...rest, documentSha256: hash, userMissing: true } };
  },
  async update(id, olds, news) {
    const inputs = news as unknown as KeyInputs;
    const admin = new MinioAdminClient(inputs.conn);
    const policyName = keyPolicyName(inputs.slot, inputs.generation);
    await admin.putPolicy(policyName, inputs.document);
    await restoreScopedUser(admin, id, policyName);
    if (moved(olds)) await sweepFormerOrphans(admin, id, inputs);
    // The credential is generated at create and is not an input: carry it over, or the contract loses it.
    const credential = { accessKey: olds.accessKey as string, secretKey: olds.secretKey as string };
    return { outs: keyOutputs(inputs, credential) };
  },
  async delete(id, props) {
    const o = props as unknown as KeyOutputs;
    const admin = new MinioAdminClient(o.conn);
    await admin.deleteUser(id);
    await admin.deletePolicy(keyPolicyName(o.slot, o.generation));
  },
};

/**
 * The former design shared one policy, named after the slot, between a key's generations. A user
 * an interrupted create of this generation left on it would keep the engine from deleting that
 * policy (MinIO refuses to delete a policy in use), so moving the key here removes such users: same
 * slot and generation prefix, on the shared policy or none, and not the key itself.
 */
async function sweepFormerOrphans(admin: MinioAdminClient, id: string, key: KeyInputs): Promise<void> {
  const users = await sharedListing(admin, key.conn.endpoint)();
  await removeOrphans(admin, users, accessKeyPrefix(key.label, key.slot, key.generation), key.slot, id);
}

export { keyProvider as provider };
