/**
 * `storage:b2` stack config. The account credentials are secrets: set them with
 *   pulumi config set --path storage:b2.accountKeyId <id>
 *   pulumi config set --secret --path storage:b2.accountKey <key>
 * or leave them out and export B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY (the b2 CLI's names).
 * Either way they reach the resources only as Pulumi secrets (encrypted in state).
 */
import { z } from "zod";
import { DEFAULT_API_URL } from "./client";

const loopback = (u: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);

export const B2Settings = z.strictObject({
  accountKeyId: z.string().min(1).optional().describe("Account (master or admin) application key id; else B2_APPLICATION_KEY_ID"),
  accountKey: z.string().min(1).optional().describe("Its key: set with `pulumi config set --secret`, never in the file; else B2_APPLICATION_KEY"),
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

export interface B2AccountCredentials {
  accountKeyId: string;
  accountKey: string;
  apiUrl: string;
}

/** Credentials from settings, else the environment; `undefined` fields are what is missing. */
export function b2AccountCredentials(settings: B2Settings, env: NodeJS.ProcessEnv = process.env): Partial<B2AccountCredentials> & { apiUrl: string } {
  return {
    accountKeyId: settings.accountKeyId ?? env.B2_APPLICATION_KEY_ID,
    accountKey: settings.accountKey ?? env.B2_APPLICATION_KEY,
    apiUrl: settings.apiUrl ?? DEFAULT_API_URL,
  };
}

/** Missing credentials, by the `storage:b2` field that would hold them. */
export function credentialIssues(settings: B2Settings, env: NodeJS.ProcessEnv = process.env): Array<{ field: "accountKeyId" | "accountKey"; message: string }> {
  const c = b2AccountCredentials(settings, env);
  const issues: Array<{ field: "accountKeyId" | "accountKey"; message: string }> = [];
  if (!c.accountKeyId) issues.push({ field: "accountKeyId", message: "required (pulumi config set --path storage:b2.accountKeyId <id>, or B2_APPLICATION_KEY_ID)" });
  if (!c.accountKey) issues.push({ field: "accountKey", message: "required (pulumi config set --secret --path storage:b2.accountKey <key>, or B2_APPLICATION_KEY)" });
  return issues;
}
