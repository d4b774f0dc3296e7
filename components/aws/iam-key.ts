/**
 * One spec key -> IAM identities. Default: IAM users with access keys in two rotation slots.
 * With `options.keys.<name>.role`: an IAM role (no static secret) that named principals assume.
 *
 * Why two users per key (one for odd, one for even generations): AWS allows at most two access
 * keys per user, and Pulumi creates the new generation's key before it deletes the one that fell
 * out of the window. Bumping g2 -> g3 on a single user would briefly need three keys and fail with
 * LimitExceeded. With slot users, g3 joins g1 on the "odd" user (two keys, then g1 is deleted)
 * while g2 stays untouched on the "even" user.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsKeyPolicy, canonicalJson, type KeyGrant, type PolicyDocument } from "../access";
import type { ContractInput, RoleKeyContract, StaticKeyContract } from "../contract";
import { liveGenerations, staticKey } from "../key-slots";
import type { Access, KeySpec } from "../spec";
import type { KeyRole } from "./options";

/** IAM path of every user and role of a stack, so they can be listed and bounded together. */
export function iamPath(stack: string): string {
  return `/storage/${stack.replace(/[^A-Za-z0-9_.-]/g, "-")}/`;
}

/** An IAM user/role name (max 64 chars); long names keep a hash of the full name so they stay unique. */
export function iamName(...parts: string[]): string {
  const full = parts.join("-");
  if (full.length <= 64) return full;
  return `${full.slice(0, 57).replace(/-+$/, "")}-${createHash("sha256").update(full).digest("hex").slice(0, 6)}`;
}

export type SlotUser = "odd" | "even";
export const slotUser = (generation: number): SlotUser => (generation % 2 === 1 ? "odd" : "even");

/** Names of the IAM identities a key gets (deterministic, so ARNs are known before they exist). */
export function keyIdentityNames(bucketName: string, keyName: string, key: KeySpec, role?: KeyRole): { users: Record<string, SlotUser>; role?: string } {
  if (role) return { users: {}, role: iamName(bucketName, keyName) };
  const users: Record<string, SlotUser> = {};
  for (const g of liveGenerations(key)) users[iamName(bucketName, keyName, slotUser(g))] = slotUser(g);
  return { users };
}

/** ARNs of a key's IAM principals (what `aws:PrincipalArn` is for their requests). */
export function keyPrincipalArns(accountId: string, stack: string, bucketName: string, keyName: string, key: KeySpec, role?: KeyRole): string[] {
  const names = keyIdentityNames(bucketName, keyName, key, role);
  const path = iamPath(stack);
  if (names.role) return [`arn:aws:iam::${accountId}:role${path}${names.role}`];
  return Object.keys(names.users).map((u) => `arn:aws:iam::${accountId}:user${path}${u}`);
}

/** KMS actions a key needs on the bucket's key: reads decrypt; writes make data keys (and decrypt for multipart). */
export function kmsActionsFor(access: Access[]): string[] {
  const actions = new Set<string>();
  if (access.includes("read")) actions.add("kms:Decrypt");
  if (access.includes("write")) ["kms:Decrypt", "kms:GenerateDataKey"].forEach((a) => actions.add(a));
  return [...actions].sort();
}

/**
 * The identity policy of a key: access.ts's `awsKeyPolicy` (the document MinIO enforces plus the
 * AWS-only version-read deny), plus, for SSE-KMS buckets, use of the bucket's KMS key through S3 only.
 */
export function keyIdentityPolicy(bucketArn: string, grant: KeyGrant, kms?: { keyArn: string; region: string }): PolicyDocument {
  const doc = awsKeyPolicy(bucketArn, grant);
  const actions = kms ? kmsActionsFor(grant.access) : [];
  if (kms && actions.length) {
    doc.Statement.push({
      Sid: "UseBucketKmsKey",
      Effect: "Allow",
      Action: actions,
      Resource: [kms.keyArn],
      Condition: { StringEquals: { "kms:ViaService": `s3.${kms.region}.amazonaws.com` } },
    });
  }
  return doc;
}

export interface KeyIdentityArgs {
  bucketName: string;
  keyName: string;
  key: KeySpec;
  stack: string;
  /** Canonical identity policy JSON (keyIdentityPolicy). */
  policy: pulumi.Input<string>;
  permissionsBoundary?: string;
}

/** IAM's limit on all inline policies of one user together, white space not counted. */
export const USER_INLINE_POLICY_CHARS = 2048;

/**
 * Why a user key's document cannot be an inline policy, or undefined when it fits. With a KMS
 * key the document names its ARN, known only at deploy time; every key ARN has the same length.
 */
export function userPolicyProblem(bucketArn: string, keyName: string, grant: KeyGrant, kmsRegion?: string) {
  const keyArn = `arn:aws:kms:${kmsRegion}:000000000000:key/${"0".repeat(36)}`;
  const kms = kmsRegion ? { keyArn, region: kmsRegion } : undefined;
  const chars = canonicalJson(keyIdentityPolicy(bucketArn, grant, kms)).length;
  if (chars <= USER_INLINE_POLICY_CHARS) return undefined;
  return (
    `key "${keyName}": its IAM policy is ${chars} characters and IAM allows ${USER_INLINE_POLICY_CHARS} ` +
    "for a user's inline policies; " +
    `use fewer or shorter prefixes, or options.keys.${keyName}.role (a role's limit is 10240)`
  );
}

/** IAM users (one per slot parity), their inline policy and one access key per live generation. */
export function createUserKey(name: string, args: KeyIdentityArgs, opts: pulumi.CustomResourceOptions): ContractInput<StaticKeyContract> {
  const users = new Map<SlotUser, { user: aws.iam.User; policy: aws.iam.UserPolicy }>();
  for (const [userName, slot] of Object.entries(keyIdentityNames(args.bucketName, args.keyName, args.key).users)) {
    const user = new aws.iam.User(
      `${name}-${args.keyName}-${slot}`,
      {
        name: userName,
        path: iamPath(args.stack),
        ...(args.permissionsBoundary ? { permissionsBoundary: args.permissionsBoundary } : {}),
        tags: { "secure-storage:key": args.keyName, "secure-storage:slot": slot },
      },
      opts,
    );
    const policy = new aws.iam.UserPolicy(`${name}-${args.keyName}-${slot}-policy`, { user: user.name, name: "storage-access", policy: args.policy }, opts);
    users.set(slot, { user, policy });
  }
  // Named by generation: a bump creates a new resource, any other change leaves it alone.
  const accessKey = (generation: number) => {
    const { user, policy } = users.get(slotUser(generation))!;
    return new aws.iam.AccessKey(`${name}-${args.keyName}-g${generation}`, { user: user.name }, { ...opts, dependsOn: [policy] });
  };
  return staticKey(args.key, accessKey, (key) => ({ id: key.id, secret: key.secret }));
}

/** The role's trust policy: only the named principals, and the external id when one is set. */
export function roleTrustPolicy(role: KeyRole): string {
  return canonicalJson({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AssumeByNamedPrincipals",
        Effect: "Allow",
        Principal: { AWS: [...role.assumedBy].sort() },
        Action: "sts:AssumeRole",
        ...(role.externalId ? { Condition: { StringEquals: { "sts:ExternalId": role.externalId } } } : {}),
      },
    ],
  });
}

export function createRoleKey(name: string, args: KeyIdentityArgs & { role: KeyRole }, opts: pulumi.CustomResourceOptions): ContractInput<RoleKeyContract> {
  const role = new aws.iam.Role(
    `${name}-${args.keyName}-role`,
    {
      name: keyIdentityNames(args.bucketName, args.keyName, args.key, args.role).role!,
      path: iamPath(args.stack),
      assumeRolePolicy: roleTrustPolicy(args.role),
      maxSessionDuration: args.role.maxSessionSeconds,
      ...(args.permissionsBoundary ? { permissionsBoundary: args.permissionsBoundary } : {}),
      tags: { "secure-storage:key": args.keyName },
    },
    opts,
  );
  new aws.iam.RolePolicy(`${name}-${args.keyName}-role-policy`, { role: role.name, name: "storage-access", policy: args.policy }, opts);
  return {
    kind: "role",
    access: args.key.access,
    prefixes: args.key.prefixes,
    roleArn: role.arn,
    maxSessionSeconds: args.role.maxSessionSeconds,
    ...(args.role.externalId ? { externalId: args.role.externalId } : {}),
  };
}
