/** What the B2 bucket and key providers share: the account at run time, unknown values, input checks. */
import * as pulumi from "@pulumi/pulumi";
import { B2Client } from "./client";
import { B2_KEY_ID_VAR, B2_KEY_VAR, b2AccountCredentials } from "./settings";

/**
 * The account input every B2 resource carries. The credentials are not inputs: the provider
 * reads them from its environment each time it runs (settings.ts), so the state never holds them
 * and a rotated key is what refresh and destroy use.
 */
export interface B2AccountInputs {
  /** b2_authorize_account base URL (https://api.backblazeb2.com). */
  apiUrl: string;
}

export const ACCOUNT_FIELDS = ["apiUrl"] as const;
/**
 * Where earlier versions kept the credentials, in inputs and outputs. A diff ignores them: an
 * update would make the bucket's outputs unknown in the preview, which shows every key replaced.
 * `pulumi up --refresh` drops them instead: read returns outputs without them, and the step that
 * finds nothing changed stores the program's inputs, which never had them.
 */
export const LEGACY_CREDENTIAL_FIELDS = ["accountKeyId", "accountKey"] as const;

/** False for a value not known until apply (the engine's placeholder, in a preview of a new dependency) or absent. */
export const isKnown = (v: unknown): boolean => v !== pulumi.runtime.unknownValue && v !== undefined;

/** A client with the credentials in this process's environment (never from the props). */
export function clientFor(props: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): B2Client {
  const c = b2AccountCredentials(env);
  if (!c.accountKeyId || !c.accountKey) {
    throw new Error(`B2 account credentials are missing: export ${B2_KEY_ID_VAR} and ${B2_KEY_VAR} where pulumi runs`);
  }
  return new B2Client({ keyId: c.accountKeyId, key: c.accountKey, apiUrl: String(props.apiUrl) });
}

/**
 * A client for a resource that already exists, refusing credentials of another account: with
 * them B2 would answer "no such bucket", and a refresh would drop a live bucket from the state.
 */
export async function clientForExisting(props: Record<string, unknown>): Promise<B2Client> {
  const b2 = clientFor(props);
  const recorded = props.accountId;
  if (typeof recorded === "string" && recorded !== "") {
    const current = await b2.accountId();
    if (current !== recorded) {
      throw new Error(`${B2_KEY_ID_VAR} belongs to B2 account ${current}, but this resource is in account ${recorded}`);
    }
  }
  return b2;
}

/** The props without the credentials earlier versions stored. */
export function withoutLegacyCredentials<T extends Record<string, unknown>>(props: T): T {
  const rest: Record<string, unknown> = { ...props };
  for (const f of LEGACY_CREDENTIAL_FIELDS) delete rest[f];
  return rest as T;
}

export function accountProblems(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const f of LEGACY_CREDENTIAL_FIELDS) {
    if (news[f] !== undefined) {
      const variable = f === "accountKey" ? B2_KEY_VAR : B2_KEY_ID_VAR;
      failures.push({ property: f, reason: `is no longer an input (it would be stored in state): export ${variable} instead` });
    }
  }
  if (isKnown(news.apiUrl) && !/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(String(news.apiUrl))) {
    failures.push({ property: "apiUrl", reason: "must be https (plain http only for a loopback test stand-in)" });
  }
  return failures;
}
