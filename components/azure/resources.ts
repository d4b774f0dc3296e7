/** Azure Blob data-plane objects that azure-native does not model (secure-storage provider plugin). */
import * as pulumi from "@pulumi/pulumi";
import { pluginOptions } from "../dynamic";
import type { StoredAccessPolicyInputs } from "./stored-access-policy-impl";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/**
 * `secure-storage:azure:StoredAccessPolicy`: one policy on a container plus its service SAS.
 * The provider finds the account key itself when it runs (account-key.ts); it is never an input.
 */
export class StoredAccessPolicy extends pulumi.CustomResource {
  declare readonly policyId: pulumi.Output<string>;
  declare readonly permissions: pulumi.Output<string>;
  declare readonly expiresOn: pulumi.Output<string>;
  declare readonly sasToken: pulumi.Output<string>;
  constructor(name: string, args: Inputs<StoredAccessPolicyInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      "secure-storage:azure:StoredAccessPolicy",
      name,
      { expiresOn: undefined, sasToken: undefined, ...args },
      pluginOptions("azure:StoredAccessPolicy", opts),
    );
  }
}
