/** Pulumi dynamic resources for Azure Blob data-plane objects that azure-native does not model. */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "../dynamic";
import type { StoredAccessPolicyInputs } from "./stored-access-policy-impl";

const storedPolicyProvider = lazyProvider(path.join(__dirname, "stored-access-policy-impl"));

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/**
 * `pulumi-nodejs:dynamic/azure:StoredAccessPolicy`: one policy on a container plus its service SAS.
 * The provider finds the account key itself when it runs (account-key.ts); it is never an input.
 */
export class StoredAccessPolicy extends pulumi.dynamic.Resource {
  declare readonly policyId: pulumi.Output<string>;
  declare readonly permissions: pulumi.Output<string>;
  declare readonly expiresOn: pulumi.Output<string>;
  declare readonly sasToken: pulumi.Output<string>;
  constructor(name: string, args: Inputs<StoredAccessPolicyInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      storedPolicyProvider,
      name,
      { expiresOn: undefined, sasToken: undefined, ...args },
      { ...opts, additionalSecretOutputs: ["sasToken"] },
      "azure",
      "StoredAccessPolicy",
    );
  }
}
