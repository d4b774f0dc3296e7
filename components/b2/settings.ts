/**
 * `storage:b2` stack config. The account credentials are not config: the B2 providers run in a
 * process the engine starts, which sees the CLI's environment but no config, and anything passed
 * as an input is kept in the state, where a rotated key would go stale. So they are read at run
 * time from B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY (the b2 CLI's names) and never stored.
 */
import { z } from "zod";
import { DEFAULT_API_URL } from "./client";

const loopback = (u: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);

/** A field that once held a credential: any value is refused with what to do instead. */
const removed = (variable: string) =>
  z
    .never({ error: `no longer read from config (it would be stored in state): export ${variable} instead` })
    .optional()
    .describe(`Removed: the provider reads ${variable} at run time`);

export const B2Settings = z.strictObject({
  accountKeyId: removed("B2_APPLICATION_KEY_ID"),
  accountKey: removed("B2_APPLICATION_KEY"),
  /** b2_authorize_account base URL; only for tests against a local stand-in (http allowed on loopback only). */
  apiUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((s) => {
      const u = new URL(s);
      return u.protocol === "https:" || loopback(u);
    }, "must be https (plain http only for a loopback test stand-in)")
    .optional()
    .describe("b2_authorize_account base URL (default https://api.backblazeb2.com); tests point it at a stand-in"),
});
export type B2Settings = z.infer<typeof B2Settings>;

export const B2_KEY_ID_VAR = "B2_APPLICATION_KEY_ID";
export const B2_KEY_VAR = "B2_APPLICATION_KEY";

export interface B2AccountCredentials {
  accountKeyId: string;
  accountKey: string;
}

/** The account credentials in `env`; `undefined` fields are what is missing. */
export function b2AccountCredentials(env: NodeJS.ProcessEnv = process.env): Partial<B2AccountCredentials> {
  return { accountKeyId: env[B2_KEY_ID_VAR] || undefined, accountKey: env[B2_KEY_VAR] || undefined };
}

/** The b2_authorize_account base URL the settings name. */
export const b2ApiUrl = (settings: B2Settings): string => settings.apiUrl ?? DEFAULT_API_URL;

/** One line per missing environment variable. */
export function credentialIssues(env: NodeJS.ProcessEnv = process.env): string[] {
  const c = b2AccountCredentials(env);
  const issues: string[] = [];
  if (!c.accountKeyId) issues.push(`${B2_KEY_ID_VAR} is not set: export the B2 account (master or admin) key id`);
  if (!c.accountKey) issues.push(`${B2_KEY_VAR} is not set: export that key's secret`);
  return issues;
}
