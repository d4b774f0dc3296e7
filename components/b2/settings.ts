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
  accountKeyId: z.string().min(1).optional(),
  accountKey: z.string().min(1).optional(),
  /** b2_authorize_account base URL; only for tests against a local stand-in (http allowed on loopback only). */
  apiUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((s) => {
      const u = new URL(s);
      return u.protocol === "https:" || loopback(u);
    }, "must be https (plain http only for a loopback test stand-in)")
    .optional(),
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

/** Config problems when credentials are missing (named by the config path that would hold them). */
export function credentialProblems(settings: B2Settings, env: NodeJS.ProcessEnv = process.env): string[] {
  const c = b2AccountCredentials(settings, env);
  const problems: string[] = [];
  if (!c.accountKeyId) problems.push("storage:b2.accountKeyId: required (pulumi config set --path storage:b2.accountKeyId <id>, or B2_APPLICATION_KEY_ID)");
  if (!c.accountKey) problems.push("storage:b2.accountKey: required (pulumi config set --secret --path storage:b2.accountKey <key>, or B2_APPLICATION_KEY)");
  return problems;
}
