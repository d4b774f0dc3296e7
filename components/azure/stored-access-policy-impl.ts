/**
 * Implementation of one stored access policy on a blob container (secure-storage:azure:
 * StoredAccessPolicy, served by provider/), and the service SAS bound to it. Azure-native has no resource for container ACLs; this talks to the
 * Blob data plane with @azure/storage-blob, so it runs the same against Azure and Azurite.
 *
 * The SAS carries only the policy identifier: permissions and expiry live in the policy, so an
 * in-place permission change applies to the issued token, and deleting the policy revokes it.
 *
 * The account key is not an input: it is looked up each time the provider runs (account-key.ts),
 * so the state never holds it and refresh and destroy use the current one after a rotation.
 */
import {
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  RestError,
  SASProtocol,
  StorageSharedKeyCredential,
  type SignedIdentifier,
} from "@azure/storage-blob";
import { changedKeys, type ProviderImpl } from "../dynamic";
import { ACCOUNT_VAR, accountKeyFor, KEY_VAR } from "./account-key";
import { MAX_STORED_POLICIES } from "./capabilities";

export interface StoredAccessPolicyInputs {
  /** Blob service URL: https://<account>.blob.core.windows.net or http://127.0.0.1:10000/<account>. */
  serviceUrl: string;
  accountName: string;
  containerName: string;
  /** `<key>-g<generation>` */
  policyId: string;
  /** Canonical SAS permission letters, e.g. "rl". */
  permissions: string;
  validitySeconds: number;
  /** ARM id of the storage account, to look its key up when the environment has none. */
  accountId?: string;
}

export interface StoredAccessPolicyOutputs extends StoredAccessPolicyInputs {
  expiresOn: string;
  /** Query string of the service SAS (no leading "?"); a Pulumi secret. */
  sasToken: string;
}

const REPLACE_ON = ["serviceUrl", "accountName", "containerName", "policyId"];
/** accountKey: where earlier versions stored the key; a diff on it lets the next `up` drop it from state. */
const UPDATE_ON = ["permissions", "validitySeconds", "accountId", "accountKey"];

export class StoredPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoredPolicyError";
  }
}

function container(inputs: StoredAccessPolicyInputs, accountKey: string): ContainerClient {
  const cred = new StorageSharedKeyCredential(inputs.accountName, accountKey);
  return new ContainerClient(`${inputs.serviceUrl.replace(/\/$/, "")}/${inputs.containerName}`, cred, { retryOptions: { maxTries: 3 } });
}

export function canonicalPermissions(p: string): string {
  return ContainerSASPermissions.parse(p).toString();
}

export function sasToken(inputs: StoredAccessPolicyInputs, accountKey: string): string {
  const cred = new StorageSharedKeyCredential(inputs.accountName, accountKey);
  const https = inputs.serviceUrl.startsWith("https:");
  return generateBlobSASQueryParameters(
    { containerName: inputs.containerName, identifier: inputs.policyId, ...(https ? { protocol: SASProtocol.Https } : {}) },
    cred,
  ).toString();
}

/**
 * Container ACLs are one list written whole: changes to one container are serialized in this
 * process (Pulumi runs sibling resources concurrently), and guarded across processes by
 * If-Unmodified-Since, retried on 412.
 */
const locks = new Map<string, Promise<unknown>>();
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const run = prev.catch(() => undefined).then(fn);
  locks.set(key, run);
  try {
    return await run;
  } finally {
    if (locks.get(key) === run) locks.delete(key);
  }
}

async function mutateAcl(
  inputs: StoredAccessPolicyInputs,
  accountKey: string,
  change: (ids: SignedIdentifier[]) => SignedIdentifier[] | undefined,
): Promise<void> {
  const c = container(inputs, accountKey);
  await withLock(c.url, async () => {
    for (let attempt = 1; ; attempt++) {
      const current = await c.getAccessPolicy();
      const next = change(current.signedIdentifiers);
      if (!next) return;
      try {
        // No public-access argument: setting the ACL also keeps the container private.
        await c.setAccessPolicy(undefined, next, { conditions: current.lastModified ? { ifUnmodifiedSince: current.lastModified } : {} });
        return;
      } catch (e) {
        if (e instanceof RestError && e.statusCode === 412 && attempt < 5) continue;
        throw e;
      }
    }
  });
}

function describe(e: unknown, inputs: StoredAccessPolicyInputs, op: string): Error {
  if (e instanceof StoredPolicyError) return e;
  const status = e instanceof RestError ? ` (HTTP ${e.statusCode ?? "?"} ${e.code ?? ""})` : "";
  return new StoredPolicyError(`stored access policy "${inputs.policyId}" on ${inputs.accountName}/${inputs.containerName}: ${op} failed${status}: ${(e as Error).message.split("\n")[0]}`);
}

async function put(inputs: StoredAccessPolicyInputs, mustBeNew: boolean): Promise<StoredAccessPolicyOutputs> {
  const permissions = canonicalPermissions(inputs.permissions);
  const expiresOn = new Date(Date.now() + inputs.validitySeconds * 1000);
  let accountKey: string;
  try {
    accountKey = await accountKeyFor(inputs);
    await mutateAcl(inputs, accountKey, (ids) => {
      const exists = ids.some((i) => i.id === inputs.policyId);
      if (mustBeNew && exists) {
        throw new StoredPolicyError(
          `stored access policy "${inputs.policyId}" already exists on ${inputs.accountName}/${inputs.containerName}; refusing to take over a policy this stack did not create`,
        );
      }
      const others = ids.filter((i) => i.id !== inputs.policyId);
      if (others.length >= MAX_STORED_POLICIES) {
        throw new StoredPolicyError(
          `container ${inputs.accountName}/${inputs.containerName} already has ${MAX_STORED_POLICIES} stored access policies (Azure's limit: ${others.map((o) => o.id).join(", ")}); retire a previous generation first`,
        );
      }
      return [...others, { id: inputs.policyId, accessPolicy: { permissions, expiresOn } }];
    });
  } catch (e) {
    throw describe(e, inputs, mustBeNew ? "create" : "update");
  }
  return { ...inputs, permissions, expiresOn: expiresOn.toISOString(), sasToken: sasToken(inputs, accountKey) };
}

/** The props without the key earlier versions stored. */
function withoutStoredKey(props: Record<string, unknown>): Record<string, unknown> {
  const { accountKey: _stored, ...rest } = props;
  return rest;
}

export const storedAccessPolicyProvider: ProviderImpl = {
  async check(_olds, news) {
    const failures: Array<{ property: string; reason: string }> = [];
    if (!/^[A-Za-z0-9-]{1,64}$/.test(String(news.policyId ?? ""))) failures.push({ property: "policyId", reason: "must be 1-64 letters, digits or '-'" });
    try {
      if (typeof news.permissions === "string") canonicalPermissions(news.permissions);
    } catch {
      failures.push({ property: "permissions", reason: `"${String(news.permissions)}" is not a set of container SAS permission letters` });
    }
    if (news.accountKey !== undefined) {
      const reason = `is no longer an input (it would be stored in state): export ${ACCOUNT_VAR} and ${KEY_VAR}, or let the provider read it with your Azure login`;
      failures.push({ property: "accountKey", reason });
    }
    return { inputs: news, failures };
  },
  async diff(_id, olds, news) {
    const replaces = changedKeys(olds, news, REPLACE_ON);
    // A new generation is a new policy id: create it before the old one is deleted.
    return { changes: changedKeys(olds, news, [...REPLACE_ON, ...UPDATE_ON]).length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(raw) {
    const outs = await put(raw as unknown as StoredAccessPolicyInputs, true);
    return { id: outs.policyId, outs: { ...outs } };
  },
  async read(id, raw) {
    const props = withoutStoredKey(raw);
    const inputs = props as unknown as StoredAccessPolicyOutputs;
    let ids: SignedIdentifier[];
    let accountKey: string;
    try {
      accountKey = await accountKeyFor(inputs);
      ids = (await container(inputs, accountKey).getAccessPolicy()).signedIdentifiers;
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return { id: "", props: {} };
      throw describe(e, inputs, "read");
    }
    const found = ids.find((i) => i.id === id);
    if (!found) return { id: "", props: {} };
    const permissions = found.accessPolicy?.permissions ? canonicalPermissions(found.accessPolicy.permissions) : "";
    const expiresOn = found.accessPolicy?.expiresOn?.toISOString() ?? "";
    // Re-signed: after the account key was rotated, refresh hands out a token that works again.
    return { id, props: { ...props, permissions, expiresOn, sasToken: sasToken(inputs, accountKey) } };
  },
  async update(_id, olds, news) {
    const inputs = news as unknown as StoredAccessPolicyInputs;
    const old = olds as unknown as StoredAccessPolicyOutputs;
    // Same permissions and validity (only the account id, or a stored key dropped): keep the expiry, re-sign.
    if (changedKeys(olds, news, ["permissions", "validitySeconds"]).length === 0 && old.expiresOn) {
      try {
        return { outs: { ...inputs, expiresOn: old.expiresOn, sasToken: sasToken(inputs, await accountKeyFor(inputs)) } };
      } catch (e) {
        throw describe(e, inputs, "update");
      }
    }
    return { outs: { ...(await put(inputs, false)) } };
  },
  async delete(id, props) {
    const inputs = props as unknown as StoredAccessPolicyOutputs;
    try {
      const accountKey = await accountKeyFor(inputs);
      await mutateAcl(inputs, accountKey, (ids) => (ids.some((i) => i.id === id) ? ids.filter((i) => i.id !== id) : undefined));
    } catch (e) {
      // The container (or account) is already gone: so is its policy.
      if (e instanceof RestError && e.statusCode === 404) return;
      throw describe(e, inputs, "delete");
    }
  },
};

export { storedAccessPolicyProvider as provider };
