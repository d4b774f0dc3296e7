/**
 * The life of one scoped MinIO user (one key generation), written against the few admin calls it
 * needs so the failure paths can be exercised without a broken server.
 */
import type { MinioUserInfo } from "./admin-client";
import { accessKeyPrefix, newAccessKey, newSecretKey } from "./access-key";
import { oneLine } from "../errors";

export interface UserAdmin {
  listUsers(): Promise<Map<string, MinioUserInfo>>;
  getUser(accessKey: string): Promise<MinioUserInfo | undefined>;
  putUser(accessKey: string, secretKey: string): Promise<void>;
  attachPolicy(accessKey: string, policyName: string): Promise<void>;
  removeUserFromGroup(accessKey: string, group: string): Promise<void>;
  deleteUser(accessKey: string): Promise<void>;
}

export interface ScopedUser {
  /** The canned policy the user gets. */
  policyName: string;
  /** `<stack-unique bucket>-<key name>`: what its access keys are recognised by (access-key.ts). */
  slot: string;
  generation: number;
  label: string;
}

/** What the state records about a live user: its policy mapping, and groups only when it has any. */
export interface LiveUser {
  policyName: string;
  groups?: string[];
}

/**
 * Users of this credential slot that an interrupted create left behind: same prefix, and either no
 * policy yet or ours. A user with our prefix and any other policy is not something we made: keep it.
 */
export function orphansOf(users: Map<string, MinioUserInfo>, prefix: string, policyName: string): string[] {
  return [...users]
    .filter(([key, info]) => key.startsWith(prefix) && (info.policyName === "" || info.policyName === policyName))
    .map(([key]) => key);
}

/**
 * Orphans are what an earlier, interrupted run left, so one listing per server and process finds
 * them all: a user this process creates is not an orphan of it (a failed undo adds its user back,
 * below). MinIO encrypts the listing with Argon2id, about 115 ms of CPU to read; listing on every
 * create cost 200 of them in the plugin's one thread at 100 buckets x 2 keys. Kept for the life of
 * the process, which the engine starts for one operation: a long-lived caller must not use it.
 */
const listings = new Map<string, Promise<Map<string, MinioUserInfo>>>();

export function listUsersOnce(server: string, list: () => Promise<Map<string, MinioUserInfo>>) {
  let listing = listings.get(server);
  if (!listing) {
    listing = list();
    listings.set(server, listing);
    listing.catch(() => listings.delete(server)); // a failed listing is asked again, not kept
  }
  return listing;
}

/** The process's one listing of the server at `endpoint` (listUsersOnce), read through `admin`. */
export const sharedListing = (admin: UserAdmin, endpoint: string) => () =>
  listUsersOnce(endpoint, () => admin.listUsers());

/** Delete the orphans of `prefix` (orphansOf) other than `keep`, from the server and from `users`. */
export async function removeOrphans(
  admin: UserAdmin,
  users: Map<string, MinioUserInfo>,
  prefix: string,
  policyName: string,
  keep?: string,
): Promise<void> {
  for (const orphan of orphansOf(users, prefix, policyName)) {
    if (orphan === keep) continue;
    await admin.deleteUser(orphan);
    users.delete(orphan);
  }
}

export async function createScopedUser(
  admin: UserAdmin,
  user: ScopedUser,
  listing: () => Promise<Map<string, MinioUserInfo>> = () => admin.listUsers(),
): Promise<{ accessKey: string; secretKey: string }> {
  const prefix = accessKeyPrefix(user.label, user.slot, user.generation);
  const users = await listing();
  await removeOrphans(admin, users, prefix, user.policyName);
  const accessKey = newAccessKey(prefix);
  const secretKey = newSecretKey();
  await admin.putUser(accessKey, secretKey);
  try {
    await admin.attachPolicy(accessKey, user.policyName);
  } catch (e) {
    try {
      await admin.deleteUser(accessKey);
    } catch (undo) {
      users.set(accessKey, { policyName: "", status: "enabled", memberOf: [] });
      // The next create removes it by prefix; say so rather than hide either failure.
      throw new Error(
        `MinIO user "${accessKey}": attaching policy "${user.policyName}" failed (${oneLine(e)}) ` +
          `and removing the user again failed too (${oneLine(undo)}); the next up removes it`,
      );
    }
    throw e;
  }
  return { accessKey, secretKey };
}

/** The live policy mapping and groups, or undefined when the user is gone. */
export async function readScopedUser(admin: UserAdmin, accessKey: string): Promise<LiveUser | undefined> {
  const info = await admin.getUser(accessKey);
  if (!info) return undefined;
  return { policyName: info.policyName, ...(info.memberOf.length ? { groups: [...info.memberOf].sort() } : {}) };
}

/**
 * Back to exactly our policy (set-user-or-group-policy replaces the whole mapping) and out of every
 * group, whatever the state last saw: an `up` without refresh still removes a widening it finds.
 */
export async function restoreScopedUser(admin: UserAdmin, accessKey: string, policyName: string): Promise<void> {
  const info = await admin.getUser(accessKey);
  if (!info)
    throw new Error(
      `MinIO user "${accessKey}" no longer exists; run pulumi refresh so the next up creates a new credential`,
    );
  if (info.policyName !== policyName) await admin.attachPolicy(accessKey, policyName);
  for (const group of info.memberOf) await admin.removeUserFromGroup(accessKey, group);
}
