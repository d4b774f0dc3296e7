/**
 * The storage account key the stored-access-policy provider signs with, found when the provider
 * runs and never passed as an input: an input is kept in the state, where a rotated key goes
 * stale (refresh and destroy would sign with it) and where it should not be in the first place.
 *
 * In order: AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY (the az
 * CLI's names), when they name this account; else the account's key1 through ARM listKeys with
 * DefaultAzureCredential (environment, workload identity/OIDC, managed identity, az login).
 */
export const CONNECTION_STRING_VAR = "AZURE_STORAGE_CONNECTION_STRING";
export const ACCOUNT_VAR = "AZURE_STORAGE_ACCOUNT";
export const KEY_VAR = "AZURE_STORAGE_KEY";

export interface AccountTarget {
  accountName: string;
  /** Blob service URL; its DNS suffix picks the cloud's ARM endpoint. */
  serviceUrl: string;
  /** ARM id of the storage account; without it only the environment can supply the key. */
  accountId?: string;
}

/** The key the environment holds for this account, if any. */
export function accountKeyFromEnv(accountName: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cs = env[CONNECTION_STRING_VAR];
  if (cs) {
    const parts = new Map(
      cs
        .split(";")
        .filter((p) => p.includes("="))
        .map((p) => [p.slice(0, p.indexOf("=")).trim().toLowerCase(), p.slice(p.indexOf("=") + 1).trim()]),
    );
    if (parts.get("accountname") === accountName && parts.get("accountkey")) return parts.get("accountkey");
  }
  if (env[ACCOUNT_VAR] === accountName && env[KEY_VAR]) return env[KEY_VAR];
  return undefined;
}

const ARM_BY_SUFFIX: Record<string, string> = {
  "core.windows.net": "https://management.azure.com",
  "core.chinacloudapi.cn": "https://management.chinacloudapi.cn",
  "core.usgovcloudapi.net": "https://management.usgovcloudapi.net",
};

interface ListKeysBody {
  keys?: Array<{ value?: string; permissions?: string }>;
  error?: { code?: string };
}

const exportHint = (accountName: string) => `export ${ACCOUNT_VAR}=${accountName} and ${KEY_VAR}`;

interface TokenSource {
  getToken(scope: string): Promise<{ token: string } | null>;
}

/** Loaded only when needed, so a run with the key in the environment never touches Entra ID. */
async function defaultCredential(): Promise<TokenSource> {
  const moduleName = "@azure/identity";
  try {
    const m = (await import(moduleName)) as { DefaultAzureCredential: new () => TokenSource };
    return new m.DefaultAzureCredential();
  } catch {
    throw new Error(`cannot load ${moduleName} to look up the storage account key: install it, or export ${KEY_VAR}`);
  }
}

/** One lookup per account per provider process (resources of one account share it). */
const looked = new Map<string, Promise<string>>();

async function keyFromArm(target: Required<AccountTarget>): Promise<string> {
  const suffix = new URL(target.serviceUrl).hostname.split(".").slice(2).join(".");
  const arm = ARM_BY_SUFFIX[suffix];
  if (!arm) throw new Error(`no ARM endpoint known for ${suffix}: ${exportHint(target.accountName)}`);
  const token = await (await defaultCredential()).getToken(`${arm}/.default`);
  if (!token) throw new Error(`DefaultAzureCredential returned no token for ${arm}`);
  const res = await fetch(`${arm}${target.accountId}/listKeys?api-version=2023-05-01`, {
    method: "POST",
    headers: { authorization: `Bearer ${token.token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as ListKeysBody;
  const code = body.error?.code ?? "";
  if (!res.ok) throw new Error(`listKeys on ${target.accountName} failed: HTTP ${res.status} ${code}`.trim());
  const key = body.keys?.find((k) => k.permissions?.toUpperCase() === "FULL" && k.value)?.value;
  if (!key) throw new Error(`listKeys on ${target.accountName} returned no full-permission key`);
  return key;
}

/** The account key to sign with, from the environment or ARM; a one-line error saying how to supply it. */
export async function accountKeyFor(target: AccountTarget, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = accountKeyFromEnv(target.accountName, env);
  if (fromEnv) return fromEnv;
  if (!target.accountId) {
    throw new Error(`no key for storage account ${target.accountName}: ${exportHint(target.accountName)}`);
  }
  const cacheKey = target.accountId.toLowerCase();
  let pending = looked.get(cacheKey);
  if (!pending) {
    pending = keyFromArm({ ...target, accountId: target.accountId });
    looked.set(cacheKey, pending);
    pending.catch(() => looked.delete(cacheKey));
  }
  return pending;
}
