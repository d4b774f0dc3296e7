/**
 * npm run inventory -- [--stack dev] [--endpoint URL] [--json]
 * Compares a stack's state with what its MinIO holds (root credentials from the environment or
 * .local/minio.env) and exits 1 when anything is missing, orphaned or left pending.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { adminCredentialsFromEnv } from "../components/minio/admin-client";
import { DEFAULT_ENDPOINT, inventory, isClean, type InventoryItem, type InventoryReport } from "./lib/inventory";
import { LOCAL, loadEnvFile } from "./lib/workspace";

const USAGE = `Usage: npm run inventory -- [--stack dev] [--endpoint URL] [--json]
  Lists every bucket, canned policy and user on the MinIO server and compares them with the
  stack's state (pulumi stack export):
    missing   in the state, not on the server (deleted behind Pulumi's back: pulumi refresh)
    orphans   on the server, named like this stack's (buckets <logical>-<stack>-<hash>, policies
              <bucket>-<key>, users attached to those policies or to none), not in the state
    pending   operations an interrupted update left (pulumi refresh --clear-pending-creates --yes)
  --stack     the stack to compare (default dev)
  --endpoint  the MinIO to list (default: the endpoint in the stack's state, else ${DEFAULT_ENDPOINT})
  --json      print the comparison as JSON
  Root credentials: MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (else .local/minio.env). Exit 1 when
  anything is missing, orphaned or pending; 2 on bad usage or an unreachable server.`;

function line(i: InventoryItem): string {
  return `  ${i.kind.padEnd(6)} ${i.name}  (${i.detail})`;
}

function print(r: InventoryReport): void {
  const n = (c: InventoryReport["counts"]["state"]) => `${c.bucket} buckets, ${c.policy} policies, ${c.user} users`;
  console.log(`inventory of stack "${r.stack}" (project ${r.project}) on ${r.endpoint}`);
  console.log(`  state: ${n(r.counts.state)}; server, this stack's: ${n(r.counts.server)}`);
  if (r.counts.elsewhere) console.log(`  (${r.counts.elsewhere} state resources on another endpoint not compared)`);
  const sections = [
    ["missing (in state, not on MinIO)", r.missing],
    ["orphans (on MinIO, not in state)", r.orphans],
    ["pending operations", r.pending],
  ] as const;
  for (const [title, items] of sections) {
    console.log(`${title}: ${items.length ? "" : "none"}`);
    for (const i of items) console.log(line(i));
  }
  console.log(`inventory: ${r.missing.length} missing, ${r.orphans.length} orphans, ${r.pending.length} pending`);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        stack: { type: "string", default: "dev" },
        endpoint: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    console.error(`inventory: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  loadEnvFile(path.join(LOCAL, "minio.env"));
  let report: InventoryReport;
  try {
    report = await inventory({ stack: args.stack!, endpoint: args.endpoint, creds: adminCredentialsFromEnv() });
  } catch (e) {
    console.error(`inventory: ${(e as Error).message.split("\n")[0]}`);
    return 2;
  }
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  return isClean(report) ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
});
