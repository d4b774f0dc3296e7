import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { StorageContract } from "../../components/contract";
import { appEnv, formatEnv, writePrivate } from "../../scripts/app-env";

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
      keys: { backend: { kind: "static", access: ["read", "write"], prefixes: ["workspaces/"], current: cred(2), previous: cred(1) } },
    },
    vault: {
      provider: "aws",
      bucket: "vault-prod-abc123",
      region: "eu-central-1",
      endpoint: "https://s3.eu-central-1.amazonaws.com",
      presign: { uploadSeconds: 900, downloadSeconds: 900 },
      cors: [],
      keys: {
        worker: {
          kind: "role",
          access: ["read", "list"],
          prefixes: ["uploads/"],
          roleArn: "arn:aws:iam::123456789012:role/storage/prod/vault-worker",
          maxSessionSeconds: 3600,
          externalId: "ext-42",
        },
      },
    },
    invoices: {
      provider: "azure",
      bucket: "invoices",
      endpoint: "https://ssprodinv.blob.core.windows.net",
      presign: { uploadSeconds: 900, downloadSeconds: 3600 },
      cors: [],
      keys: {
        app: { kind: "static", access: ["read"], prefixes: [], current: { ...cred(1), expiresAt: "2027-03-01T00:00:00.000Z" } },
        portal: { kind: "identity", access: ["read"], prefixes: ["invoices/"], principalId: "principal-1", userDelegationSas: true },
      },
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
      STORAGE_KEY_ACCESS: "read,write",
      S3_PRESIGN_UPLOAD_SECONDS: "900",
      S3_PRESIGN_DOWNLOAD_SECONDS: "900",
      STORAGE_UPLOAD_RULES: "[]",
    });
    expect(appEnv(contract, "clinic", "backend", true).AWS_ACCESS_KEY_ID).toBe("id-g1");
  });

  it("uses the names AWS SDKs and CLIs read on their own, with a CA bundle as a file path", () => {
    const env = appEnv(contract, "clinic", "backend", false, "/tmp/ca.pem");
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_CA_BUNDLE: "/tmp/ca.pem",
    });
    expect(appEnv(contract, "clinic", "backend")).not.toHaveProperty("AWS_CA_BUNDLE");
  });

  it("gives an Azure application the container URL and SAS", () => {
    expect(appEnv(contract, "invoices", "app")).toEqual({
      AZURE_STORAGE_BLOB_URL: "https://ssprodinv.blob.core.windows.net",
      AZURE_STORAGE_CONTAINER: "invoices",
      AZURE_STORAGE_SAS: "secret-g1",
      AZURE_STORAGE_SAS_POLICY: "id-g1",
      STORAGE_PRESIGN_DOWNLOAD_SECONDS: "3600",
      AZURE_STORAGE_SAS_EXPIRES_AT: "2027-03-01T00:00:00.000Z",
      STORAGE_PROVIDER: "azure",
      STORAGE_KEY_KIND: "static",
      STORAGE_KEY_ACCESS: "read",
      STORAGE_KEY_GENERATION: "1",
    });
  });

  it("gives an Azure identity key its principal and no secret", () => {
    expect(appEnv(contract, "invoices", "portal")).toEqual({
      AZURE_STORAGE_BLOB_URL: "https://ssprodinv.blob.core.windows.net",
      AZURE_STORAGE_CONTAINER: "invoices",
      STORAGE_PRINCIPAL_ID: "principal-1",
      STORAGE_USER_DELEGATION_SAS: "true",
      STORAGE_KEY_PREFIXES: "invoices/",
      STORAGE_PRESIGN_DOWNLOAD_SECONDS: "3600",
      STORAGE_PROVIDER: "azure",
      STORAGE_KEY_KIND: "identity",
      STORAGE_KEY_ACCESS: "read",
    });
  });

  it("gives an AWS role key the role to assume and no secret", () => {
    const env = appEnv(contract, "vault", "worker");
    expect(env).toMatchObject({
      STORAGE_ROLE_ARN: "arn:aws:iam::123456789012:role/storage/prod/vault-worker",
      STORAGE_ROLE_MAX_SESSION_SECONDS: "3600",
      STORAGE_ROLE_EXTERNAL_ID: "ext-42",
      STORAGE_KEY_KIND: "role",
      S3_BUCKET: "vault-prod-abc123",
      S3_KEY_PREFIXES: "uploads/",
      S3_FORCE_PATH_STYLE: "false",
    });
    expect(Object.keys(env).filter((k) => /SECRET|ACCESS_KEY_ID|GENERATION|AWS_ROLE_ARN/.test(k))).toEqual([]);
  });

  it("names what is missing", () => {
    expect(() => appEnv(contract, "nope", "k")).toThrow('no bucket "nope" in the contract (have: clinic, vault, invoices)');
    expect(() => appEnv(contract, "clinic", "nope")).toThrow('bucket "clinic" has no key "nope" (have: backend)');
    expect(() => appEnv(contract, "invoices", "app", true)).toThrow('key "app" has no previous generation');
    expect(() => appEnv(contract, "vault", "worker", true)).toThrow('key "worker" is a role key: it has no static credential, so no previous one');
  });
});

describe(".env output", () => {
  it("keeps a multi-line CA bundle on one line, as dotenv reads it", () => {
    expect(formatEnv({ A: "x", S3_CA_BUNDLE_PEM: "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n" })).toBe(
      'A=x\nS3_CA_BUNDLE_PEM="-----BEGIN CERTIFICATE-----\\nAAA\\n-----END CERTIFICATE-----\\n"',
    );
  });
});

describe("formats a shell reads back exactly", () => {
  const tricky = { A: "abc+/=", B: "not $HOME `x` \\ \"q\" ; rm -rf", C: "line1\nline2", D: '[{"prefix":"a/","contentTypes":["audio/ogg"]}]' };

  it.each(["dotenv", "shell"] as const)("%s: sourced by bash, every one-line value comes back unchanged", (format) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "appenv-"));
    try {
      const file = path.join(dir, "app.env");
      fs.writeFileSync(file, formatEnv(tricky, format));
      const out = execFileSync("bash", ["-c", `set -a; . "${file}"; node -e 'console.log(JSON.stringify({A:process.env.A,B:process.env.B,D:process.env.D}))'`], {
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      });
      expect(JSON.parse(out)).toEqual({ A: tricky.A, B: tricky.B, D: tricky.D });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("json is the object itself", () => {
    expect(JSON.parse(formatEnv(tricky, "json"))).toEqual(tricky);
  });

  it("--out files are written with mode 0600, also over an existing file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "appenv-"));
    try {
      const file = path.join(dir, "app.env");
      fs.writeFileSync(file, "old", { mode: 0o644 });
      writePrivate(file, "A=1\n");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, "utf8")).toBe("A=1\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
