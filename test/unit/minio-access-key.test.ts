/** Scoped MinIO users: recognisable access keys, orphan clean-up, and failures that are reported, never swallowed. */
import { describe, expect, it } from "vitest";
import type { MinioUserInfo } from "../../components/minio/admin-client";
import { accessKeyPrefix, newAccessKey } from "../../components/minio/access-key";
import { createScopedUser, listUsersOnce, orphansOf, restoreScopedUser, type UserAdmin } from "../../components/minio/scoped-user";

const info = (policyName: string, memberOf: string[] = []): MinioUserInfo => ({
  policyName,
  status: "enabled",
  memberOf,
});

/** An in-memory MinIO user store; `fail` makes the named call throw. */
class FakeAdmin implements UserAdmin {
  users = new Map<string, MinioUserInfo>();
  secrets = new Map<string, string>();
  calls: string[] = [];
  fail = new Set<string>();
  private check(call: string) {
    this.calls.push(call);
    if (this.fail.has(call)) throw new Error(`${call} broke:\nconnection refused`);
  }
  async listUsers() {
    this.check("listUsers");
    return new Map(this.users);
  }
  async getUser(k: string) {
    this.check("getUser");
    return this.users.get(k);
  }
  async putUser(k: string, s: string) {
    this.check("putUser");
    this.users.set(k, info(""));
    this.secrets.set(k, s);
  }
  async attachPolicy(k: string, p: string) {
    this.check("attachPolicy");
    this.users.set(k, { ...this.users.get(k)!, policyName: p });
  }
  async removeUserFromGroup(k: string, g: string) {
    this.check("removeUserFromGroup");
    const u = this.users.get(k)!;
    this.users.set(k, { ...u, memberOf: u.memberOf.filter((m) => m !== g) });
  }
  async deleteUser(k: string) {
    this.check("deleteUser");
    this.users.delete(k);
  }
}

const slot = { slot: "docs-e2e-abc123-app", policyName: "docs-e2e-abc123-app-g1", generation: 1, label: "app" };

describe("access keys", () => {
  it("start with a readable label and a prefix fixed per credential slot, then differ", () => {
    const prefix = accessKeyPrefix("backend", slot.slot, 1);
    expect(prefix).toMatch(/^BACK[A-Z0-9]{8}$/);
    expect(accessKeyPrefix("backend", slot.slot, 1)).toBe(prefix);
    expect(accessKeyPrefix("backend", slot.slot, 2)).not.toBe(prefix);
    expect(accessKeyPrefix("backend", "docs-other-abc123-backend", 1)).not.toBe(prefix);
    const a = newAccessKey(prefix);
    const b = newAccessKey(prefix);
    for (const k of [a, b]) expect(k).toMatch(new RegExp(`^${prefix}[A-Z0-9]{8}$`));
    expect(a).not.toBe(b);
  });

  it("orphans are users with the slot's prefix and no policy or ours; anything else is kept", () => {
    const prefix = accessKeyPrefix(slot.label, slot.slot, 1);
    const users = new Map([
      [`${prefix}AAAAAAAA`, info("")],
      [`${prefix}BBBBBBBB`, info(slot.policyName)],
      [`${prefix}CCCCCCCC`, info("readwrite")],
      [`${accessKeyPrefix(slot.label, slot.slot, 2)}DDDDDDDD`, info("")],
      ["SOMEONEELSE", info("")],
    ]);
    expect(orphansOf(users, prefix, slot.policyName).sort()).toEqual([`${prefix}AAAAAAAA`, `${prefix}BBBBBBBB`]);
  });
});

describe("createScopedUser", () => {
  it("removes the orphans of an interrupted create of the same slot, then creates a new access key", async () => {
    const admin = new FakeAdmin();
    const prefix = accessKeyPrefix(slot.label, slot.slot, 1);
    admin.users.set(`${prefix}ORPHAN01`, info(""));
    admin.users.set("OTHERUSER", info(""));
    const { accessKey, secretKey } = await createScopedUser(admin, slot);
    expect(accessKey.startsWith(prefix)).toBe(true);
    expect(secretKey.length).toBeGreaterThanOrEqual(40);
    expect([...admin.users.keys()].sort()).toEqual([accessKey, "OTHERUSER"].sort());
    expect(admin.users.get(accessKey)?.policyName).toBe(slot.policyName);
  });

  it("a failed attach removes the new user and rethrows the attach error", async () => {
    const admin = new FakeAdmin();
    admin.fail.add("attachPolicy");
    await expect(createScopedUser(admin, slot)).rejects.toThrow(/attachPolicy broke/);
    expect(admin.users.size).toBe(0);
  });

  it("when the undo fails too, both errors are in one line, and the next create removes the orphan", async () => {
    const admin = new FakeAdmin();
    admin.fail.add("attachPolicy").add("deleteUser");
    const err = await createScopedUser(admin, slot).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /attaching policy "docs-e2e-abc123-app-g1" failed \(attachPolicy broke: connection refused\)/,
    );
    expect(err?.message).toMatch(/removing the user again failed too \(deleteUser broke: connection refused\)/);
    expect(err?.message).not.toContain("\n");
    const [orphan] = [...admin.users.keys()];
    admin.fail.clear();
    const { accessKey } = await createScopedUser(admin, slot);
    expect(accessKey).not.toBe(orphan);
    expect([...admin.users.keys()]).toEqual([accessKey]);
  });
});

describe("one user listing per server and process", () => {
  it("many creates share one listing (MinIO encrypts it: one Argon2id each), and orphans in it are still removed", async () => {
    const admin = new FakeAdmin();
    const slots = [1, 2, 3].map((generation) => ({ ...slot, generation }));
    const orphan = `${accessKeyPrefix(slot.label, slot.slot, 2)}ORPHAN01`;
    admin.users.set(orphan, info(""));
    const key = `many-${Math.random()}`;
    const listing = () => listUsersOnce(key, () => admin.listUsers());
    const made = [];
    for (const s of slots) made.push((await createScopedUser(admin, s, listing)).accessKey);
    expect(admin.calls.filter((c) => c === "listUsers")).toEqual(["listUsers"]);
    expect(admin.users.has(orphan)).toBe(false);
    expect([...admin.users.keys()].sort()).toEqual([...made].sort());
  });

  it("is keyed by server, and a failed listing is not kept", async () => {
    const admin = new FakeAdmin();
    const key = `srv-${Math.random()}`;
    admin.fail.add("listUsers");
    await expect(listUsersOnce(key, () => admin.listUsers())).rejects.toThrow(/listUsers broke/);
    admin.fail.clear();
    const first = await listUsersOnce(key, () => admin.listUsers());
    expect(await listUsersOnce(key, () => admin.listUsers())).toBe(first);
    await listUsersOnce(`${key}-other`, () => admin.listUsers());
    expect(admin.calls.filter((c) => c === "listUsers").length).toBe(3);
  });

  it("a user left by a failed undo joins the listing, so a later create of the slot in the same process removes it", async () => {
    const admin = new FakeAdmin();
    const key = `undo-${Math.random()}`;
    const listing = () => listUsersOnce(key, () => admin.listUsers());
    admin.fail.add("attachPolicy").add("deleteUser");
    await expect(createScopedUser(admin, slot, listing)).rejects.toThrow(/removing the user again failed too/);
    const [orphan] = [...admin.users.keys()];
    admin.fail.clear();
    const { accessKey } = await createScopedUser(admin, slot, listing);
    expect([...admin.users.keys()]).toEqual([accessKey]);
    expect(accessKey).not.toBe(orphan);
  });
});

describe("restoreScopedUser", () => {
  it("puts back exactly our policy and leaves every group", async () => {
    const admin = new FakeAdmin();
    admin.users.set("AK", info(`${slot.policyName},consoleAdmin`, ["admins", "ops"]));
    await restoreScopedUser(admin, "AK", slot.policyName);
    expect(admin.users.get("AK")).toEqual(info(slot.policyName));
  });

  it("names a deleted user instead of failing on MinIO's error", async () => {
    await expect(restoreScopedUser(new FakeAdmin(), "GONE", slot.policyName)).rejects.toThrow(
      /"GONE" no longer exists; run pulumi refresh/,
    );
  });
});
