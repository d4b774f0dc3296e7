/**
 * Implementation of a B2 application key (secure-storage:b2:ApplicationKey, served by provider/):
 * b2_create_key, b2_list_keys (read), b2_delete_key. B2 keys are immutable, so any change to what
 * the key may do replaces it.
 *
 * `keyName` names one credential (components/b2/ownership.ts: per stack, bucket, key and
 * generation). A create first deletes every key already holding exactly that name: none is in
 * any state, so each is what an interrupted create of this same credential left behind.
 */
import type * as pulumi from "@pulumi/pulumi";
import { capabilityProblems, keyNameProblem } from "./capabilities";
import { changedKeys, type ProviderImpl } from "../dynamic";
import { mayHaveActed, type B2Client } from "./client";
import {
  ACCOUNT_FIELDS,
  accountProblems,
  clientFor,
  clientForExisting,
  isKnown,
  withoutLegacyCredentials,
  type B2AccountInputs,
} from "./provider-common";
import type { B2Capability, B2CreateKeyRequest, B2NewKey } from "./types";
import { undoThenThrow } from "./undo";

export interface B2ApplicationKeyInputs extends B2AccountInputs {
  keyName: string;
  capabilities: B2Capability[];
  /** Keys are always restricted to one bucket. */
  bucketId: string;
  /** Restricts the key to file names starting with this prefix (B2 allows one). */
  namePrefix?: string;
  /** The key expires (and B2 deletes it) this many seconds after creation; at most 1000 days. */
  validDurationInSeconds?: number;
}

export interface B2ApplicationKeyOutputs extends B2ApplicationKeyInputs {
  applicationKeyId: string;
  /** The secret half; returned by B2 only at creation. A secret output. */
  applicationKey: string;
  accountId: string;
  expirationTimestamp?: number;
}

/** Inputs a B2 key cannot change: any difference means a new key. */
const IMMUTABLE = ["keyName", "capabilities", "bucketId", "namePrefix", "validDurationInSeconds"] as const;
const MAX_VALID_SECONDS = 1000 * 86_400;

const sortedCaps = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : v);

function checkKey(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
  const failures = accountProblems(news);
  const n = news as Partial<B2ApplicationKeyInputs>;
  if (isKnown(n.keyName)) {
    const p = typeof n.keyName === "string" ? keyNameProblem(n.keyName) : "must be a string";
    if (p) failures.push({ property: "keyName", reason: p });
  }
  if (!Array.isArray(n.capabilities)) failures.push({ property: "capabilities", reason: "must be a list of B2 capabilities" });
  else for (const reason of capabilityProblems(n.capabilities.filter(isKnown))) failures.push({ property: "capabilities", reason });
  if (isKnown(n.bucketId) && (typeof n.bucketId !== "string" || n.bucketId === "")) {
    failures.push({ property: "bucketId", reason: "is required: keys made by this provider are always restricted to one bucket" });
  }
  if (n.namePrefix !== undefined && isKnown(n.namePrefix) && (typeof n.namePrefix !== "string" || n.namePrefix === "")) {
    failures.push({ property: "namePrefix", reason: "must be a non-empty string when set (leave it out for the whole bucket)" });
  }
  const v = n.validDurationInSeconds;
  if (v !== undefined && isKnown(v) && !(Number.isInteger(v) && v >= 1 && v <= MAX_VALID_SECONDS)) {
    failures.push({ property: "validDurationInSeconds", reason: `must be a whole number of seconds from 1 to ${MAX_VALID_SECONDS} (1000 days)` });
  }
  return failures;
}

/** Delete every key named exactly `keyName`; returns how many there were. */
async function deleteKeysNamed(b2: B2Client, keyName: string): Promise<number> {
  const found = await b2.keysNamed(keyName);
  for (const k of found) await b2.deleteKey(k.applicationKeyId);
  return found.length;
}

/** Exactly one key with this name afterwards, or none and an error. */
async function createOnly(b2: B2Client, req: B2CreateKeyRequest): Promise<B2NewKey> {
  await deleteKeysNamed(b2, req.keyName);
  try {
    return await b2.createKey(req);
  } catch (e) {
    if (!mayHaveActed(e)) throw e;
    // No answer (or a 5xx) may still mean B2 made the key: it must not outlive this failed create.
    const what = `deleting keys named "${req.keyName}" that the failed create may have made`;
    return undoThenThrow(e, what, () => deleteKeysNamed(b2, req.keyName));
  }
}

export const provider: ProviderImpl = {
  async check(_olds, news) {
    return { inputs: news, failures: checkKey(news) };
  },

  async diff(_id, olds, news) {
    const o = { ...olds, capabilities: sortedCaps(olds.capabilities) };
    const n = { ...news, capabilities: sortedCaps(news.capabilities) };
    const replaces = changedKeys(o, n, IMMUTABLE);
    const changed = changedKeys(o, n, [...IMMUTABLE, ...ACCOUNT_FIELDS]);
    // Create-before-delete keeps applications working with the old key until the new one exists,
    // but only a new name allows it: create deletes every key holding its name, so a replacement
    // under the same name lets the engine delete the old key first, in order and in state.
    const renamed = changedKeys(o, n, ["keyName"]).length > 0;
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && !renamed };
  },

  async create(raw) {
    const inputs = raw as unknown as B2ApplicationKeyInputs;
    const b2 = clientFor(raw);
    const accountId = await b2.accountId();
    const key = await createOnly(b2, {
      accountId,
      keyName: inputs.keyName,
      capabilities: inputs.capabilities,
      bucketId: inputs.bucketId,
      ...(inputs.namePrefix ? { namePrefix: inputs.namePrefix } : {}),
      ...(inputs.validDurationInSeconds ? { validDurationInSeconds: inputs.validDurationInSeconds } : {}),
    });
    const outs: B2ApplicationKeyOutputs = {
      ...inputs,
      applicationKeyId: key.applicationKeyId,
      applicationKey: key.applicationKey,
      accountId,
      ...(key.expirationTimestamp ? { expirationTimestamp: key.expirationTimestamp } : {}),
    };
    return { id: key.applicationKeyId, outs };
  },

  async read(id, raw) {
    const props = withoutLegacyCredentials(raw) as unknown as B2ApplicationKeyOutputs;
    const key = await (await clientForExisting(raw)).getKey(id);
    // Deleted outside Pulumi, or expired (B2 removes expired keys): the next `up` recreates it.
    if (!key) return { id: "", props: {} };
    const sameCaps = JSON.stringify(sortedCaps(key.capabilities)) === JSON.stringify(sortedCaps(props.capabilities));
    const observed: Record<string, unknown> = {
      ...props,
      keyName: key.keyName,
      capabilities: sameCaps ? props.capabilities : key.capabilities,
      bucketId: key.bucketId ?? "",
    };
    if (key.namePrefix) observed.namePrefix = key.namePrefix;
    else delete observed.namePrefix;
    return { id, props: observed };
  },

  async update(_id, olds, news) {
    // Only apiUrl changed (anything else replaces).
    const o = olds as unknown as B2ApplicationKeyOutputs;
    const outs = { ...news, applicationKeyId: o.applicationKeyId, applicationKey: o.applicationKey, accountId: o.accountId };
    if (o.expirationTimestamp) (outs as Record<string, unknown>).expirationTimestamp = o.expirationTimestamp;
    return { outs };
  },

  async delete(id, raw) {
    await (await clientForExisting(raw)).deleteKey(id);
  },
};
