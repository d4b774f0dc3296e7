/** Stack outputs written before keys carried `kind` read as the current contract (lib/contract-upgrade.ts). */
import { describe, expect, it } from "vitest";
import { upgradeStorageContract } from "../../lib/contract-upgrade";

const bucket = { provider: "aws", bucket: "b", endpoint: "e", presign: { uploadSeconds: 1, downloadSeconds: 1 }, cors: [] };
const cred = { id: "AK1", secret: "s", generation: 2 };

describe("contract v1 -> kinds", () => {
  it("a key with a secret is static; an empty secret was an Azure identity; `roles` become role keys", () => {
    const v1 = {
      buckets: {
        b: {
          ...bucket,
          keys: {
            app: { access: ["read"], prefixes: [], current: cred, previous: { ...cred, generation: 1 } },
            portal: { access: ["read"], prefixes: ["i/"], current: { id: "principal-1", secret: "", generation: 1 } },
          },
          roles: { worker: { access: ["list"], prefixes: [], roleArn: "arn:aws:iam::1:role/w", maxSessionSeconds: 3600 } },
        },
      },
    };
    expect(upgradeStorageContract(v1)).toEqual({
      buckets: {
        b: {
          ...bucket,
          keys: {
            app: { kind: "static", access: ["read"], prefixes: [], current: cred, previous: { ...cred, generation: 1 } },
            portal: { kind: "identity", access: ["read"], prefixes: ["i/"], principalId: "principal-1" },
            worker: { kind: "role", access: ["list"], prefixes: [], roleArn: "arn:aws:iam::1:role/w", maxSessionSeconds: 3600 },
          },
        },
      },
    });
  });

  it("leaves a current contract as it is, and has nothing for no output", () => {
    const v2 = { buckets: { b: { ...bucket, keys: { app: { kind: "static", access: ["read"], prefixes: [], current: cred } } } } };
    expect(upgradeStorageContract(v2)).toEqual(v2);
    expect(upgradeStorageContract(undefined)).toBeUndefined();
    expect(upgradeStorageContract({})).toBeUndefined();
  });
});
