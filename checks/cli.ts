/**
 * npm run verify [-- --stack dev] [--json] [--junit out.xml] [--strict]
 * Reads the `storage` output from the backend (the program is not loaded) and proves, with real
 * requests, that each key can do what it must and nothing else. Exits non-zero on any failed
 * probe; with --strict also on any skipped one, so "could not prove" never passes for "proved".
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { adminCredentialsFromEnv } from "../lib/credentials";
import { readStorageOutput } from "../lib/stack-output";
import { formatJunit, formatTable, runFailed, summary } from "./report";
import { verifyContract } from "./verify";

const HELP = `Usage: npm run verify -- [--stack dev] [--json] [--junit FILE] [--strict]
Runs presigned round trips and must-be-denied probes against every bucket and key of the stack.
--strict: a skipped probe (nothing could be sent, e.g. an identity key) fails the run too.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
      strict: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const storage = await readStorageOutput(values.stack!);
  // Admin credentials are optional: without them, probes run but test objects are not removed.
  const admin = process.env.MINIO_ROOT_USER && process.env.MINIO_ROOT_PASSWORD ? adminCredentialsFromEnv() : undefined;
  const start = Date.now();
  const rows = await verifyContract(storage, admin);
  const ms = Date.now() - start;
  const strict = values.strict === true;
  if (values.json) console.log(JSON.stringify({ rows, ms, summary: summary(rows), strict }, null, 2));
  else console.log(`${formatTable(rows)}\n\nverify: ${summary(rows)} in ${ms} ms${strict ? " (strict)" : ""}`);
  if (values.junit) fs.writeFileSync(values.junit, formatJunit(rows));
  if (strict && rows.some((r) => r.outcome === "skipped")) console.error("verify --strict: skipped probes fail the run");
  if (runFailed(rows, strict)) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(`verify failed: ${e.message.split("\n")[0]}`);
  process.exit(1);
});
