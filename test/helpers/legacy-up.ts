/**
 * `tsx test/helpers/legacy-up.ts <checkout> <stack> <config.json>`: `up` of a throwaway stack with
 * the project program *of another checkout* (a git worktree at a commit from before the provider
 * plugin, so the stack holds the old dynamic types). Prints the engine's change summary as JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";

async function main(): Promise<void> {
  const [checkout, stack, configFile] = process.argv.slice(2);
  if (!checkout || !stack || !configFile) throw new Error("usage: legacy-up.ts <checkout> <stack> <config.json>");
  const { openStack } = require(path.join(checkout, "scripts/lib/workspace"));
  const { program } = require(path.join(checkout, "stacks/program"));
  const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
  const s = await openStack({ stack, config, program: async () => program() });
  const r = await s.up({ color: "never" });
  console.log(JSON.stringify({ result: r.summary.result, changes: r.summary.resourceChanges }));
}

main().catch((e: Error) => {
  console.error(`legacy-up: ${e.message}`);
  process.exit(1);
});
