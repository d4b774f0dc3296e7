/**
 * npm run verify [-- --stack dev] [--json] [--junit out.xml] [--strict [--allow-skipped bucket/key]...]
 *   [--expiry-warn-days 14]
 * Reads the `storage` output from the backend (the program is not loaded) and proves, with real
 * requests, that each key can do what it must and nothing else. Exits non-zero on any failed
 * probe; with --strict also on any skipped one, so "could not prove" never passes for "proved".
 * A credential that expires within the warning window is a warning (never a failure, see
 * expiry.ts); one already expired is a failed row.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { adminCredentialsFromEnv } from "../lib/credentials";
import { readStorageOutput } from "../lib/stack-output";
import { checkExpiry, parseWarnDays } from "./expiry";
import { formatJunit, formatTable, runFailed, summary, unusedAllowances } from "./report";
import { verifyContract } from "./verify";

const HELP = `Usage: npm run verify -- [--stack dev] [--json] [--junit FILE] [--strict] [--expiry-warn-days N]
Runs presigned round trips and must-be-denied probes against every bucket and key of the stack.
--strict: a skipped probe (nothing could be sent, e.g. an identity key) fails the run too.
--allow-skipped BUCKET/KEY (repeatable, with --strict): that key's skipped probes do not fail the run;
  an allowance that matches no skipped probe fails it (a stale exception).
--expiry-warn-days N: warn when a credential (an Azure SAS) expires within N days (default 14);
  a warning never fails the run, even with --strict; an expired credential always does.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
      strict: { type: "boolean", default: false },
      "allow-skipped": { type: "string", multiple: true, default: [] },
      "expiry-warn-days": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const allowSkipped = new Set(values["allow-skipped"]);
  const badAllowance = [...allowSkipped].find((a) => !/^[^/\s]+\/[^/\s]+$/.test(a));
  if (badAllowance !== undefined) {
    throw new Error(`--allow-skipped ${badAllowance}: expected BUCKET/KEY, e.g. invoices-azure/invoice-app`);
  }
  if (allowSkipped.size && !values.strict) throw new Error("--allow-skipped only means something with --strict");
  const warnDays = parseWarnDays(values["expiry-warn-days"]);
  const storage = await readStorageOutput(values.stack!);
  // Admin credentials are optional: without them, probes run but test objects are not removed.
  const admin = process.env.MINIO_ROOT_USER && process.env.MINIO_ROOT_PASSWORD ? adminCredentialsFromEnv() : undefined;
  const start = Date.now();
  const expiry = checkExpiry(storage, new Date(), warnDays);
  const rows = [...(await verifyContract(storage, admin)), ...expiry.failed];
  const ms = Date.now() - start;
  const { warnings } = expiry;
  // Seen in the log and, in GitHub Actions, as an annotation on the run.
  const annotate = process.env.GITHUB_ACTIONS === "true" ? "::warning::" : "";
  for (const w of warnings) console.error(`${annotate}verify: ${w}`);
  const strict = values.strict === true;
  if (values.json) console.log(JSON.stringify({ rows, ms, summary: summary(rows), strict, warnings }, null, 2));
  else {
    const warned = warnings.length ? `; ${warnings.length} expiry warning(s), see above` : "";
    console.log(`${formatTable(rows)}\n\nverify: ${summary(rows)} in ${ms} ms${strict ? " (strict)" : ""}${warned}`);
  }
  if (values.junit) fs.writeFileSync(values.junit, formatJunit(rows));
  const stale = strict ? unusedAllowances(rows, allowSkipped) : [];
  for (const a of stale) console.error(`verify --strict: --allow-skipped ${a} matches no skipped probe; remove it`);
  if (strict && runFailed(rows, strict, allowSkipped) && !runFailed(rows, false)) {
    console.error("verify --strict: skipped probes fail the run");
  }
  if (runFailed(rows, strict, allowSkipped) || stale.length) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(`verify failed: ${e.message.split("\n")[0]}`);
  process.exit(1);
});
