/**
 * npm run verify [-- --stack dev] [--json] [--junit out.xml]
 * Reads the `storage` contract through the Automation API and proves, with real requests,
 * that each key can do what it must and nothing else. Exits non-zero on any failed probe.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { adminCredentialsFromEnv } from "../components/minio/admin-client";
import { readStorageContract } from "../scripts/lib/workspace";
import { formatJunit, formatTable, summary } from "./report";
import { verifyContract } from "./verify";

const HELP = `Usage: npm run verify -- [--stack dev] [--json] [--junit FILE]
Runs presigned round trips and must-be-denied probes against every bucket and key of the stack.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const storage = await readStorageContract(values.stack!);
  // Admin credentials are optional: without them, probes run but test objects are not removed.
  const admin = process.env.MINIO_ROOT_USER && process.env.MINIO_ROOT_PASSWORD ? adminCredentialsFromEnv() : undefined;
  const start = Date.now();
  const rows = await verifyContract(storage, admin);
  const ms = Date.now() - start;
  if (values.json) console.log(JSON.stringify({ rows, ms }, null, 2));
  else console.log(`${formatTable(rows)}\n\nverify: ${summary(rows)} in ${ms} ms`);
  if (values.junit) fs.writeFileSync(values.junit, formatJunit(rows));
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(`verify failed: ${e.message.split("\n")[0]}`);
  process.exit(1);
});
