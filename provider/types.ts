/**
 * The secure-storage package's resource types, each served by the ProviderImpl module that the
 * dynamic resources used before (components/*-impl.ts, reused as they are, loaded on first use so a
 * MinIO-only run never loads the Azure or B2 SDKs).
 */
import type { ProviderImpl } from "../components/dynamic";

export const PACKAGE = "secure-storage";

export interface ResourceType {
  /** `secure-storage:<module>:<Name>`. */
  token: string;
  /** Project-relative module exporting the implementation as `provider`. */
  impl: string;
  /** Outputs stored as Pulumi secrets whatever the program asks. */
  secretOutputs: readonly string[];
  /**
   * Tokens the same resource had in state written by an earlier design; the program aliases them so
   * `up` moves such state here in place. By default the dynamic type it had before the plugin.
   */
  formerTokens: readonly string[];
}

const type = (
  mod: string,
  name: string,
  impl: string,
  secretOutputs: string[] = [],
  formerTokens = [`pulumi-nodejs:dynamic/${mod}:${name}`],
): ResourceType => ({ token: `${PACKAGE}:${mod}:${name}`, impl, secretOutputs, formerTokens });

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type("minio", "Bucket", "components/minio/bucket-impl"),
  // A key generation was a user (with a policy shared by the key's generations), dynamic before the plugin.
  type("minio", "Key", "components/minio/key-impl", ["secretKey"], [
    `${PACKAGE}:minio:User`,
    "pulumi-nodejs:dynamic/minio:User",
  ]),
  // What a key was before minio:Key: still served, so old state refreshes, migrates and deletes.
  type("minio", "Policy", "components/minio/policy-impl"),
  type("minio", "User", "components/minio/user-impl", ["secretKey"]),
  type("minio", "ServerCors", "components/minio/server-cors-impl"),
  type("b2", "Bucket", "components/b2/bucket-impl"),
  type("b2", "ApplicationKey", "components/b2/key-impl", ["applicationKey"]),
  type("azure", "StoredAccessPolicy", "components/azure/stored-access-policy-impl", ["sasToken"]),
];

export function resourceType(token: string): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.token === token);
  if (!t) throw new Error(`secure-storage: unknown resource type ${token}`);
  return t;
}

export type { ProviderImpl };
