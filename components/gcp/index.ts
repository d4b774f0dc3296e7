/**
 * GcsBucket: a private, CMEK-capable GCS bucket with least-privilege HMAC keys, from a BucketSpec.
 *
 * - Bucket: uniform bucket-level access, public access prevention `enforced`, versioning, soft
 *   delete, lifecycle, CORS, optional CMEK / usage logging / retention policy; `forceDestroy` only
 *   when the spec says so.
 * - Per key: one service account; one HMAC key per generation slot (`<bucket>-<key>-g<n>`, current
 *   and previous); bucket IAM members binding per-bucket custom roles under object-name conditions.
 * - Contract: the S3-interoperable XML API endpoint with the HMAC access ID and secret, so the same
 *   SigV4 presigner and checker as S3 work (docs/providers/gcp.md).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../component-types";
import type { BucketContract, ContractInput, KeyContract } from "../contract";
import { retiredGeneration, staticKey } from "../key-slots";
import { retainOptions } from "../retain";
import type { BucketSpec, KeySpec } from "../spec";
import { gcsCors, gcsLabelValue, gcsLifecycleRules } from "./bucket-args";
import { keyBindings, type ListScope, type RoleDef } from "./iam";
import { customRoleId, gcsBucketNameProblems, prefixSuffix, serviceAccountId } from "./naming";
import { GcsBucketOptions, type GcpSettings } from "./settings";

export { GcpSettings, GcsBucketOptions, GCS_ENDPOINT } from "./settings";

/** Signing region for SigV4 against the GCS XML API ("auto" is accepted for every bucket location). */
export const GCS_SIGV4_REGION = "auto";

export interface GcsBucketArgs {
  /** Physical bucket name (see naming.ts). */
  bucketName: string;
  spec: BucketSpec;
  settings: GcpSettings;
  options?: GcsBucketOptions;
  stack: string;
}

export class GcsBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /**
   * This bucket's entry in the `storage` stack output. Not a registered component output: the
   * stack output holds it, and a second copy in the state would be rewritten on every checkpoint.
   */
  readonly contract: ContractInput<BucketContract>;

  constructor(name: string, args: GcsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.gcp, name, {}, opts);
    const { spec, settings, bucketName, stack } = args;
    const options = args.options ?? GcsBucketOptions.parse({});
    if (spec.provider !== "gcp") throw new Error(`GcsBucket "${name}": spec.provider is "${spec.provider}", expected "gcp"`);
    const nameProblems = gcsBucketNameProblems(bucketName);
    if (nameProblems.length) throw new Error(`GcsBucket "${name}": bucket name "${bucketName}" ${nameProblems.join("; ")}`);
    this.warnings(name, spec, options);

    const project = settings.project;
    const kmsKeyId = spec.encryption.kind === "kms" ? spec.encryption.keyId : undefined;
    // The GCS service agent encrypts with the CMEK key; without this grant bucket creation fails.
    const kmsGrant =
      kmsKeyId && settings.grantKmsToServiceAgent
        ? new gcp.kms.CryptoKeyIAMMember(
            `${name}-cmek`,
            {
              cryptoKeyId: kmsKeyId,
              role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
              member: gcp.storage.getProjectServiceAccountOutput({ project }, { parent: this }).member,
            },
            { parent: this },
          )
        : undefined;
    const logging = options.logging ?? settings.logBucket !== undefined;

    const bucket = new gcp.storage.Bucket(
      name,
      {
        name: bucketName,
        project,
        location: settings.location,
        storageClass: options.storageClass,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: spec.versioning },
        softDeletePolicy: { retentionDurationSeconds: options.softDeleteDays * 86_400 },
        lifecycleRules: gcsLifecycleRules(spec.lifecycle, options),
        cors: gcsCors(spec.cors),
        ...(kmsKeyId ? { encryption: { defaultKmsKeyName: kmsKeyId } } : {}),
        ...(logging && settings.logBucket
          ? { logging: { logBucket: settings.logBucket, logObjectPrefix: options.logObjectPrefix ?? bucketName } }
          : {}),
        ...(options.retentionDays !== undefined
          ? { retentionPolicy: { retentionPeriod: String(options.retentionDays * 86_400), isLocked: options.lockRetention } }
          : {}),
        forceDestroy: spec.forceDestroy,
        labels: { "managed-by": "secure-storage", stack: gcsLabelValue(stack), bucket: gcsLabelValue(name) },
      },
      // The retain rule (spec.ts): the bucket holds the data.
      { parent: this, ...retainOptions(spec), ...(kmsGrant ? { dependsOn: [kmsGrant] } : {}) },
    );

    // One custom role per distinct permission set on this bucket, shared by its keys.
    const roles = new Map<string, gcp.projects.IAMCustomRole>();
    const roleFor = (def: RoleDef) => {
      let role = roles.get(def.code);
      if (!role) {
        role = new gcp.projects.IAMCustomRole(
          `${name}-role-${def.code.replace(/_/g, "-")}`,
          {
            project,
            roleId: customRoleId(bucketName, def.code),
            title: `secure-storage ${bucketName} ${def.code}`.slice(0, 100),
            description: `Least-privilege ${def.code} access to gs://${bucketName}, granted only on that bucket (secure-storage)`,
            permissions: def.permissions,
            stage: "GA",
          },
          { parent: this },
        );
        roles.set(def.code, role);
      }
      return role;
    };

    const keys: Record<string, ContractInput<KeyContract>> = {};
    for (const [keyName, key] of Object.entries(spec.keys)) {
      keys[keyName] = this.key(name, keyName, key, { bucket, bucketName, project, listScope: options.listScope, hmacRetire: options.hmacRetire, roleFor });
    }

    this.bucketName = bucket.name;
    this.contract = {
      provider: "gcp",
      bucket: bucket.name,
      region: GCS_SIGV4_REGION,
      endpoint: settings.endpoint,
      presign: spec.presign,
      // Signed Content-Type/Content-Length on presigned PUTs work on the XML API as on S3.
      uploads: spec.uploads,
      cors: spec.cors,
      keys,
    };
    this.registerOutputs({ bucketName: this.bucketName });
  }

  private key(
    name: string,
    keyName: string,
    key: KeySpec,
    ctx: {
      bucket: gcp.storage.Bucket;
      bucketName: string;
      project: string;
      listScope: ListScope;
      hmacRetire: GcsBucketOptions["hmacRetire"];
      roleFor: (def: RoleDef) => gcp.projects.IAMCustomRole;
    },
  ): ContractInput<KeyContract> {
    const account = new gcp.serviceaccount.Account(
      `${name}-${keyName}`,
      {
        project: ctx.project,
        accountId: serviceAccountId(ctx.bucketName, keyName),
        displayName: `${ctx.bucketName} ${keyName}`.slice(0, 100),
        description: `secure-storage key "${keyName}" of gs://${ctx.bucketName}: ${key.access.join(", ")} on ${key.prefixes.length ? key.prefixes.join(", ") : "the whole bucket"}`.slice(0, 256),
      },
      { parent: this },
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    for (const b of keyBindings(ctx.bucketName, key, ctx.listScope)) {
      const suffix = b.prefix ? `-${prefixSuffix(b.prefix)}` : "";
      new gcp.storage.BucketIAMMember(
        `${name}-${keyName}-${b.role.code.replace(/_/g, "-")}${suffix}`,
        { bucket: ctx.bucket.name, role: ctx.roleFor(b.role).name, member, ...(b.condition ? { condition: b.condition } : {}) },
        { parent: this },
      );
    }

    // Two slots, each its own resource: a generation bump creates the new key before the old one
    // is deleted (Pulumi deletes last), and nothing else ever replaces a key. Deleting an HMAC key
    // needs it INACTIVE first; the provider does that in its delete (PUT state=INACTIVE, then DELETE).
    const hmac = (generation: number, state: "ACTIVE" | "INACTIVE") =>
      new gcp.storage.HmacKey(
        `${name}-${keyName}-g${generation}`,
        { project: ctx.project, serviceAccountEmail: account.email, state },
        { parent: this },
      );
    const contract = staticKey(key, (generation) => hmac(generation, "ACTIVE"), (k) => ({ id: k.accessId, secret: k.secret }));
    // `hmacRetire: deactivate` keeps a retired key as INACTIVE (not in the contract) until the next bump.
    const retired = retiredGeneration(key);
    if (retired !== undefined && ctx.hmacRetire === "deactivate") hmac(retired, "INACTIVE");
    return contract;
  }

  private warnings(name: string, spec: BucketSpec, options: GcsBucketOptions): void {
    if (options.listScope === "bucket" && Object.values(spec.keys).some((k) => k.prefixes.length && k.access.includes("list"))) {
      pulumi.log.warn(`bucket "${name}": options.listScope is "bucket": prefixed keys with list access can list every object name in the bucket`, this);
    }
    spec.cors.forEach((rule, i) => {
      if (rule.headers.includes("*")) {
        pulumi.log.warn(`bucket "${name}" cors[${i}]: GCS matches request headers against responseHeader literally; list the headers browsers send instead of "*"`, this);
      }
    });
    spec.lifecycle.forEach((rule, i) => {
      if (rule.id) pulumi.log.warn(`bucket "${name}" lifecycle[${i}].id: GCS lifecycle rules have no IDs; "${rule.id}" is not sent`, this);
    });
  }
}

/**
 * Cloud Audit Logs Data Access for Cloud Storage in the project: who (principal), what (method and
 * object), when, and from where (caller IP) for every object read and write, including HMAC/XML API
 * requests. Project-wide and authoritative for storage.googleapis.com, so it is opt-in.
 */
export class GcsDataAccessAudit extends pulumi.ComponentResource {
  constructor(name: string, args: { project: string }, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.gcpDataAccessAudit, name, {}, opts);
    new gcp.projects.IAMAuditConfig(
      name,
      { project: args.project, service: "storage.googleapis.com", auditLogConfigs: [{ logType: "DATA_READ" }, { logType: "DATA_WRITE" }] },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
