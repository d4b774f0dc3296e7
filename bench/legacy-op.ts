/**
 * `tsx bench/legacy-op.ts <checkout> <stack> <config.json> <op>...` (ops: up, destroy, remove):
 * runs the operations with the project program *of another checkout* (bench/legacy.ts) and prints
 * one JSON line per operation: {op, ms, autoMs, result, changes}. `ms` is the CLI command's alone,
 * `autoMs` the Automation API call's (bench/cli-timer.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { timeCliCommands } from "./cli-timer";

async function main(): Promise<void> {
  const [checkout, stack, configFile, ...ops] = process.argv.slice(2);
  if (!checkout || !stack || !configFile || !ops.length) {
    throw new Error("usage: legacy-op.ts <checkout> <stack> <config.json> <up|destroy|remove>...");
  }
  const { openStack } = require(path.join(checkout, "scripts/lib/workspace"));
  const { program } = require(path.join(checkout, "stacks/program"));
  const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
  const s = (await openStack({ stack, config, program: async () => program() })) as auto.Stack;
  let cliMs = NaN;
  timeCliCommands(s.workspace, (_op, ms) => (cliMs = ms));
  for (const op of ops) {
    cliMs = NaN;
    const t0 = performance.now();
    let summary: auto.UpdateSummary | undefined;
    if (op === "up") summary = (await s.up({ color: "never" })).summary;
    else if (op === "destroy") summary = (await s.destroy({ color: "never" })).summary;
    else if (op === "remove") await s.workspace.removeStack(stack, { force: true });
    else throw new Error(`unknown operation ${op}`);
    const autoMs = performance.now() - t0;
    if (op !== "remove" && Number.isNaN(cliMs)) throw new Error(`${op} ran no timed pulumi command`);
    const ms = op === "remove" ? autoMs : cliMs;
    const [result, changes] = [summary?.result ?? "succeeded", summary?.resourceChanges ?? {}];
    console.log(JSON.stringify({ op, ms, autoMs, result, changes }));
  }
}

main().catch((e: Error) => {
  console.error(`legacy-op: ${e.message.split("\n")[0]}`);
  process.exit(1);
});
