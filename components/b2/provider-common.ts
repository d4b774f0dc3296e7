/** What the B2 bucket and key providers share: account inputs, unknown-value handling, comparisons. */
import * as pulumi from "@pulumi/pulumi";
import { B2Client } from "./client";

/**
 * The account credential inputs every B2 resource carries (read, update and delete need them
 * after the program is gone). `accountKey` must be passed as a Pulumi secret so the state stores
 * it encrypted; the resources also list it in additionalSecretOutputs.
 */
export interface B2AccountInputs {
  accountKeyId: string;
  accountKey: string;
  /** b2_authorize_account base URL (https://api.backblazeb2.com). */
  apiUrl: string;
}

export const ACCOUNT_FIELDS = ["accountKeyId", "accountKey", "apiUrl"] as const;

/** False for a value not known until apply (the engine's placeholder, in a preview of a new dependency) or absent. */
export const isKnown = (v: unknown): boolean => v !== pulumi.runtime.unknownValue && v !== undefined;

export function clientFor(props: Record<string, unknown>): B2Client {
  const p = props as unknown as B2AccountInputs;
  return new B2Client({ keyId: p.accountKeyId, key: p.accountKey, apiUrl: p.apiUrl });
}

/** Fields whose values differ, compared canonically (key order and missing-vs-undefined do not count). */

export function accountProblems(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  // Empty credentials pass here so a preview can run without them (the adapter requires them for
  // a deployment, and the client refuses to call B2 without them).
  for (const f of ["accountKeyId", "accountKey"] as const) {
    if (isKnown(news[f]) && typeof news[f] !== "string") failures.push({ property: f, reason: "must be a string" });
  }
  if (isKnown(news.apiUrl) && !/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(String(news.apiUrl))) {
    failures.push({ property: "apiUrl", reason: "must be https (plain http only for a loopback test stand-in)" });
  }
  return failures;
}
