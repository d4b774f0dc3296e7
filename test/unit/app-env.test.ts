import { describe, expect, it } from "vitest";
import type { StorageContract } from "../../components/contract";
import { appEnv, formatEnv } from "../../scripts/app-env";

const cred = (g: number) => ({ id: `id-g${g}`, secret: `secret-g${g}`, generation: g });
const contract: StorageContract = {
  buckets: {
    clinic: {
      provider: "minio",
      bucket: "clinic-dev-abc123",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      presign: { uploadSeconds: 900, downloadSeconds: 900 },
      cors: [],
      keys: { backend: { access: ["read", "write"], prefixes: ["workspaces/"], current: cred(2), previous: cred(1) } },
    },
    invoices: {
      provider: "azure",
      bucket: "invoices",
      endpoint: "https://ssprodinv.blob.core.windows.net",
      presign: { uploadSeconds: 900, downloadSeconds: 3600 },
      cors: [],
      keys: { app: { access: ["read"], prefixes: [], current: cred(1) } },
    },
  },
};

describe("npm run env", () => {
  it("gives an S3 application its endpoint, bucket, scope and current credential", () => {
    expect(appEnv(contract, "clinic", "backend")).toMatchObject({
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_BUCKET: "clinic-dev-abc123",
      S3_FORCE_PATH_STYLE: "true",
      S3_KEY_PREFIXES: "workspaces/",
      AWS_ACCESS_KEY_ID: "id-g2",
      AWS_SECRET_ACCESS_KEY: "secret-g2",
      STORAGE_KEY_GENERATION: "2",
    });
    expect(appEnv(contract, "clinic", "backend", true).AWS_ACCESS_KEY_ID).toBe("id-g1");
  });

  it("gives an Azure application the container URL and SAS", () => {
    expect(appEnv(contract, "invoices", "app")).toEqual({
      AZURE_STORAGE_BLOB_URL: "https://ssprodinv.blob.core.windows.net",
      AZURE_STORAGE_CONTAINER: "invoices",
      AZURE_STORAGE_SAS: "secret-g1",
      AZURE_STORAGE_SAS_POLICY: "id-g1",
      STORAGE_PRESIGN_DOWNLOAD_SECONDS: "3600",
      STORAGE_KEY_GENERATION: "1",
    });
  });

  it("names what is missing", () => {
    expect(() => appEnv(contract, "nope", "k")).toThrow('no bucket "nope" in the contract (have: clinic, invoices)');
    expect(() => appEnv(contract, "clinic", "nope")).toThrow('bucket "clinic" has no key "nope" (have: backend)');
    expect(() => appEnv(contract, "invoices", "app", true)).toThrow('key "app" has no previous generation');
  });
});

describe(".env output", () => {
  it("keeps a multi-line CA bundle on one line, as dotenv reads it", () => {
    expect(formatEnv({ A: "x", S3_CA_BUNDLE_PEM: "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n" })).toBe(
      'A=x\nS3_CA_BUNDLE_PEM="-----BEGIN CERTIFICATE-----\\nAAA\\n-----END CERTIFICATE-----\\n"',
    );
  });
});
