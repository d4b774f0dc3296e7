/** Azure naming rules and the stable names this component derives. */
import { createHash } from "node:crypto";

/** `<prefix><logical without dashes><6 hex>`, at most 24 lowercase letters and digits, stable per project/stack/bucket. */
export function storageAccountName(prefix: string, project: string, stack: string, logical: string): string {
  const hash = createHash("sha256").update(`${project}/${stack}/${logical}`).digest("hex").slice(0, 6);
  const middle = logical.replace(/[^a-z0-9]/g, "").slice(0, 24 - prefix.length - hash.length);
  return `${prefix}${middle}${hash}`;
}

/** Storage account names: 3-24 lowercase letters and digits, globally unique. */
export const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** Why `name` is not a valid container name, or undefined (3-63 of a-z, 0-9, single '-' between them). */
export function containerNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3-63 characters";
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/.test(name)) return "must be lowercase letters, digits and single hyphens, starting and ending with a letter or digit";
  return undefined;
}

/** A GUID derived from `seed`: role assignment and role definition names must be GUIDs and must not change between runs. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  // Shape it as a version-5-style UUID so Azure's GUID validation accepts it.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Stored access policy identifier of one key generation (max 64 chars; key names are <= 32). */
export function storedPolicyId(key: string, generation: number): string {
  return `${key}-g${generation}`;
}

/** `https://myvault.vault.azure.net/keys/name[/version]` -> its parts, or undefined if it is not a Key Vault key URL. */
export function parseKeyVaultKeyUrl(url: string): { keyVaultUri: string; keyName: string; keyVersion?: string } | undefined {
  const m = /^https:\/\/([a-z0-9-]{3,24})\.(vault\.azure\.net|vault\.azure\.cn|vault\.usgovcloudapi\.net|managedhsm\.azure\.net)\/keys\/([A-Za-z0-9-]{1,127})(?:\/([0-9a-f]{32}))?\/?$/.exec(url);
  if (!m) return undefined;
  return { keyVaultUri: `https://${m[1]}.${m[2]}/`, keyName: m[3], ...(m[4] ? { keyVersion: m[4] } : {}) };
}
