/** The MinIO user provider against the real server: an in-place update keeps the credential. */
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MinioAdminClient } from "../../components/minio/admin-client";
import { policyProvider, userProvider } from "../../components/minio/identity-impl";
import { LOCAL, loadEnvFile } from "../../scripts/lib/workspace";

loadEnvFile(path.join(LOCAL, "minio.env"));
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const run = Date.now().toString(36);
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe("MinIO user provider", () => {
  it("update (policy or label change) keeps accessKey and secretKey in the outputs", async () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::upt-${run}/*`] }] });
    for (const name of [`upt-${run}-a`, `upt-${run}-b`]) {
      await policyProvider.create({ conn, name, document: doc });
      cleanup.push(() => policyProvider.delete(name, { conn }));
    }
    const created = await userProvider.create({ conn, policyName: `upt-${run}-a`, generation: 1, label: "upt" });
    cleanup.push(() => userProvider.delete(created.id, { conn }));
    const news = { conn, policyName: `upt-${run}-b`, generation: 1, label: "upt2" };
    const updated = await userProvider.update!(created.id, created.outs, news);
    expect(updated.outs).toMatchObject({ ...news, accessKey: created.id, secretKey: created.outs.secretKey });
    expect((await new MinioAdminClient(conn).getUser(created.id))?.policyName).toBe(`upt-${run}-b`);
  });
});
