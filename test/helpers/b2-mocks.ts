/** Pulumi mocks for B2 component tests: records every registered resource with its inputs. */
import * as pulumi from "@pulumi/pulumi";

import type { Registered } from "./mocks";
export { unwrap, type Registered } from "./mocks";

export function installB2Mocks(registered: Registered[]): void {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra: Record<string, unknown> = args.type === "secure-storage:b2:Bucket"
          ? { bucketId: `bid-${args.name}`, accountId: "acct", s3ApiUrl: "https://s3.us-west-004.backblazeb2.com", region: "us-west-004", revision: 1 }
          : args.type === "secure-storage:b2:ApplicationKey"
            ? { applicationKeyId: `kid-${args.name}`, applicationKey: `secret-${args.name}` }
            : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: () => ({}),
    },
    "secure-storage",
    "unit",
    false,
  );
}

/** Let the mock monitor finish registering everything created so far (no fixed sleep: see mocks.ts). */
export { settle } from "./mocks";
