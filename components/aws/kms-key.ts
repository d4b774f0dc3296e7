/**
 * KMS for SSE-KMS: validating a spec's `keyId`, resolving it to a key ARN, and the optional
 * component-made key (rotation on, key policy scoped to this bucket's key principals).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../access";
import type { ConditionBlock } from "./bucket-policy";

const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/[A-Za-z0-9/_-]{1,250})$/;
const ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;

export type KmsKeyRef = { kind: "arn"; arn: string; region: string } | { kind: "alias"; alias: string; region?: string };

/** Parse a spec `encryption.keyId`: a key ARN, an alias ARN or `alias/<name>`; anything else is a message. */
export function parseKmsKeyId(keyId: string): KmsKeyRef | string {
  const arn = KEY_ARN.exec(keyId);
  if (arn) return { kind: "arn", arn: keyId, region: arn[1] };
  const aliasArn = ALIAS_ARN.exec(keyId);
  const alias = aliasArn ? aliasArn[3] : ALIAS.test(keyId) ? keyId : undefined;
  if (!alias) {
    return "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), an alias ARN or alias/<name>; bare key ids are ambiguous across regions";
  }
  // AWS-managed keys (aws/s3) cannot carry this bucket's key policy; that is what encryption.kind managed is for.
  if (alias.startsWith("alias/aws/")) return 'names an AWS-managed key; use encryption: { kind: managed } or a customer-managed key';
  return aliasArn ? { kind: "alias", alias: keyId, region: aliasArn[1] } : { kind: "alias", alias };
}

/** The key ARN behind a parsed key id (aliases are looked up, so policies can name the key itself). */
export function resolveKmsKeyArn(ref: KmsKeyRef, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  if (ref.kind === "arn") return pulumi.output(ref.arn);
  return aws.kms.getAliasOutput({ name: ref.alias }, opts).targetKeyArn;
}

/** Administration without use: the account can manage (and so never lose) the key but not decrypt with it. */
export const KMS_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

export interface KmsKeyPolicyStatement extends Omit<PolicyStatement, "Resource" | "Condition"> {
  Principal: { AWS: string };
  Resource: "*";
  Condition?: ConditionBlock;
}

export interface KmsKeyPolicyInput {
  accountId: string;
  region: string;
  bucketName: string;
  /** ARNs of the IAM users/roles of this bucket's keys (they need not exist yet: matched by condition). */
  principalArns: string[];
}

/**
 * Key policy: the account administers the key; only this bucket's key principals may use it, only
 * through S3 in this region, only for this bucket's objects. Principals are matched with
 * `aws:PrincipalArn` rather than named in `Principal`, so the key can be made before the users
 * exist and a recreated user never leaves an orphaned unique id in the policy. In a key policy
 * `Resource: "*"` means "this key".
 */
export function kmsKeyPolicyDocument(input: KmsKeyPolicyInput): { Version: "2012-10-17"; Statement: KmsKeyPolicyStatement[] } {
  const root = `arn:aws:iam::${input.accountId}:root`;
  const bucketArn = `arn:aws:s3:::${input.bucketName}`;
  const statements: KmsKeyPolicyStatement[] = [
    { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: root }, Action: [...KMS_ADMIN_ACTIONS], Resource: "*" },
  ];
  if (input.principalArns.length) {
    statements.push({
      Sid: "UseThroughS3ForThisBucket",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": [...input.principalArns].sort() },
        StringEquals: { "kms:CallerAccount": input.accountId, "kms:ViaService": `s3.${input.region}.amazonaws.com` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface BucketKmsKeyArgs {
  bucketName: string;
  deletionWindowDays: number;
  /** Canonical key policy JSON (kmsKeyPolicyDocument). */
  policy: pulumi.Input<string>;
}

/** A symmetric key with yearly automatic rotation, and an alias operators can find it by. */
export function createBucketKmsKey(name: string, args: BucketKmsKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const key = new aws.kms.Key(
    `${name}-kms-key`,
    {
      description: `SSE-KMS key of S3 bucket ${args.bucketName} (secure-storage)`,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: args.deletionWindowDays,
      policy: args.policy,
    },
    opts,
  );
  new aws.kms.Alias(
    `${name}-kms-alias`,
    { name: `alias/secure-storage/${args.bucketName}`, targetKeyId: key.keyId },
    { parent: opts.parent, provider: opts.provider },
  );
  return key;
}
