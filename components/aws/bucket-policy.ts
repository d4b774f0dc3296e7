/**
 * The S3 bucket policy document: TLS-only, TLS 1.2+, the encryption header must match the bucket's
 * default, plus any service grants (the log bucket's delivery grant). Key permissions are NOT here:
 * they live in each key's identity policy (access.ts), the same document MinIO enforces.
 *
 * Every Allow merged in is checked: no `*` principal, no wildcard action, no resource outside this
 * bucket. Denies may say `Principal: "*"` because they only ever take permissions away.
 */
import { canonicalJson } from "../access";

export type Principal = "*" | { AWS: string | string[] } | { Service: string | string[] };
export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface BucketPolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: Principal;
  Action: string | string[];
  Resource: string | string[];
  Condition?: ConditionBlock;
}

export interface BucketPolicyDocument {
  Version: "2012-10-17";
  Statement: BucketPolicyStatement[];
}

/** The bucket's default encryption, which upload headers must agree with. */
export type DefaultEncryption = { sseAlgorithm: "AES256" } | { sseAlgorithm: "aws:kms"; kmsKeyArn: string };

export interface BucketPolicyInput {
  bucketName: string;
  encryption: DefaultEncryption;
  /** Allow statements to merge in (checked by `assertScopedGrant`). */
  grants?: BucketPolicyStatement[];
}

const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** Throws unless `grant` is an Allow scoped to named principals, named actions and this bucket. */
export function assertScopedGrant(bucketName: string, grant: BucketPolicyStatement): void {
  const where = `bucket policy for "${bucketName}", statement "${grant.Sid}"`;
  if (grant.Effect !== "Allow") throw new Error(`${where}: only Allow statements can be merged as grants`);
  const principals = grant.Principal === "*" ? ["*"] : asList("AWS" in grant.Principal ? grant.Principal.AWS : grant.Principal.Service);
  if (principals.length === 0 || principals.some((p) => p.includes("*"))) throw new Error(`${where}: must name its principals, never "*"`);
  const actions = asList(grant.Action);
  if (actions.length === 0 || actions.some((a) => a.includes("*"))) throw new Error(`${where}: must name its actions, never a wildcard`);
  const arn = `arn:aws:s3:::${bucketName}`;
  const resources = asList(grant.Resource);
  if (resources.length === 0 || resources.some((r) => r !== arn && !r.startsWith(`${arn}/`))) {
    throw new Error(`${where}: resources must be ${arn} or objects in it, never "*" or another bucket`);
  }
}

/** The bucket policy document for `input`, in a fixed statement order. */
export function bucketPolicyDocument(input: BucketPolicyInput): BucketPolicyDocument {
  const arn = `arn:aws:s3:::${input.bucketName}`;
  const denyAll = (Sid: string, Condition: ConditionBlock): BucketPolicyStatement => ({
    Sid,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [arn, `${arn}/*`],
    Condition,
  });
  // Uploads without the header get the bucket default; uploads that send it with another value are refused.
  const denyPutWithOther = (Sid: string, header: string, expected: string): BucketPolicyStatement => ({
    Sid,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${arn}/*`,
    Condition: { Null: { [header]: "false" }, StringNotEquals: { [header]: expected } },
  });
  const statements: BucketPolicyStatement[] = [
    denyAll("DenyInsecureTransport", { Bool: { "aws:SecureTransport": "false" } }),
    denyAll("DenyOutdatedTls", { NumericLessThan: { "s3:TlsVersion": "1.2" } }),
    denyPutWithOther("DenyWrongEncryptionHeader", "s3:x-amz-server-side-encryption", input.encryption.sseAlgorithm),
  ];
  if (input.encryption.sseAlgorithm === "aws:kms") {
    // SSE-KMS required: an upload may not pick its own (e.g. attacker-controlled) KMS key.
    statements.push(denyPutWithOther("DenyOtherKmsKeys", "s3:x-amz-server-side-encryption-aws-kms-key-id", input.encryption.kmsKeyArn));
  }
  const sids = new Set(statements.map((s) => s.Sid));
  for (const grant of [...(input.grants ?? [])].sort((a, b) => a.Sid.localeCompare(b.Sid))) {
    assertScopedGrant(input.bucketName, grant);
    if (sids.has(grant.Sid)) throw new Error(`bucket policy for "${input.bucketName}": duplicate Sid "${grant.Sid}"`);
    sids.add(grant.Sid);
    statements.push(grant);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The document as the `policy` string input (canonical: no diff on refresh from key order). */
export function bucketPolicyJson(input: BucketPolicyInput): string {
  return canonicalJson(bucketPolicyDocument(input));
}
