/** Pulumi mocks for the GCS component tests: records every resource and invoke with its inputs. */
import * as pulumi from "@pulumi/pulumi";

import type { Registered } from "../helpers/mocks";
export { unwrap, type Registered } from "../helpers/mocks";

export const T = {
  bucket: "gcp:storage/bucket:Bucket",
  account: "gcp:serviceaccount/account:Account",
  hmac: "gcp:storage/hmacKey:HmacKey",
  member: "gcp:storage/bucketIAMMember:BucketIAMMember",
  role: "gcp:projects/iAMCustomRole:IAMCustomRole",
  kmsMember: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  audit: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  component: "secure-storage:gcp:Bucket",
} as const;

export const registered: Registered[] = [];
export const invokes: { token: string; args: Record<string, unknown> }[] = [];

/** Fake provider outputs shaped like the real ones (emails, role names, HMAC access IDs). */
function outputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case T.account:
      return { email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com` };
    case T.role:
      return { name: `projects/${inputs.project}/roles/${inputs.roleId}` };
    case T.hmac:
      return { accessId: `GOOG1${name.toUpperCase()}`, secret: `secret-of-${name}` };
    default:
      return {};
  }
}

export function installGcpMocks(): void {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...outputs(args.type, args.name, args.inputs) } };
      },
      call: (args) => {
        invokes.push({ token: args.token, args: args.inputs });
        if (args.token === "gcp:storage/getProjectServiceAccount:getProjectServiceAccount") {
          const email = `service-123456789@gs-project-accounts.iam.gserviceaccount.com`;
          return { emailAddress: email, member: `serviceAccount:${email}`, project: args.inputs.project, id: "x" };
        }
        return {};
      },
    },
    "secure-storage",
    "unit",
    false,
  );
}

/** Let every pending registration reach the mock monitor (no fixed sleep: see helpers/mocks.ts). */
export { settle } from "../helpers/mocks";

/** Resources whose name starts with `<component>-` or equals it, by type. */
export function of(component: string, type?: string): Registered[] {
  return registered.filter((r) => (r.name === component || r.name.startsWith(`${component}-`)) && (!type || r.type === type));
}
