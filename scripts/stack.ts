/**
 * npm run deploy|preview|destroy|refresh -- [--stack dev] [--expect-no-changes] [--policy-pack]
 * Runs the program in stacks/ through the Automation API with the real Pulumi CLI, streaming
 * the engine's progress. Secrets stay secret: the engine masks them and we print no outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { generationProblems } from "./lib/rotation";
import { readStackSpec } from "./lib/stack-file";
import { ROOT, deployedContract, openProjectStack } from "./lib/workspace";

const command = process.argv[2];

const HELP = `Usage: npm run <deploy|preview|destroy|refresh> -- [options]
  --stack NAME            stack to operate on (default: dev)
  --expect-no-changes     fail if preview/up/refresh would change anything (drift detection)
  --preview-only          refresh: show drift without writing it to the state
  --policy-pack           run with the policy pack in policies/
  --help                  this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      stack: { type: "string", default: "dev" },
      "expect-no-changes": { type: "boolean", default: false },
      "preview-only": { type: "boolean", default: false },
      "policy-pack": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !command) {
    console.log(HELP);
    return;
  }
  const stack = await openProjectStack(values.stack!);
  if (command === "up" || command === "preview") {
    // Config is checked against what is deployed: a lowered or skipped generation would delete
    // the credential applications use right now.
    const problems = generationProblems(readStackSpec(values.stack!), await deployedContract(stack));
    if (problems.length) throw new Error(`invalid storage config:\n  ${problems.join("\n  ")}`);
  }
  const onOutput = (s: string) => process.stdout.write(s);
  const policyPacks = values["policy-pack"] ? [path.join(ROOT, "policies")] : undefined;
  // Enforcement levels: policies/config.<stack>.json, else prod's (every policy mandatory).
  const levels = ["policies/config." + values.stack + ".json", "policies/config.prod.json"].map((f) => path.join(ROOT, f)).find((f) => fs.existsSync(f));
  const policyPackConfigs = policyPacks && levels ? [levels] : undefined;
  const expectNoChanges = values["expect-no-changes"];
  switch (command) {
    case "up": {
      const r = await stack.up({ onOutput, policyPacks, policyPackConfigs, expectNoChanges, color: "never" });
      console.log(`\nup: ${r.summary.result}; ${JSON.stringify(r.summary.resourceChanges ?? {})}`);
      break;
    }
    case "preview": {
      const r = await stack.preview({ onOutput, policyPacks, policyPackConfigs, expectNoChanges, diff: true, color: "never" });
      console.log(`\npreview: ${JSON.stringify(r.changeSummary)}`);
      break;
    }
    case "refresh": {
      if (values["preview-only"]) {
        const r = await stack.previewRefresh({ onOutput, expectNoChanges, color: "never" });
        const drift = Object.entries(r.changeSummary).filter(([op, n]) => op !== "same" && n > 0);
        console.log(`\nrefresh preview: ${JSON.stringify(r.changeSummary)}`);
        if (expectNoChanges && drift.length) throw new Error(`drift detected: ${JSON.stringify(Object.fromEntries(drift))}`);
      } else await stack.refresh({ onOutput, expectNoChanges, color: "never" });
      break;
    }
    case "destroy":
      await stack.destroy({ onOutput, color: "never" });
      break;
    default:
      throw new Error(`unknown command "${command}"\n${HELP}`);
  }
}

main().catch((e: Error) => {
  // Automation errors carry the whole CLI transcript; the useful part is stderr or the message.
  const err = e as Error & { commandResult?: { stderr?: string } };
  const detail = err.commandResult?.stderr?.trim() || err.message;
  console.error(`\n${command ?? "stack"} failed: ${detail}`);
  if (/no resource plugin 'pulumi-resource-(aws|azure-native|gcp)'/.test(detail)) {
    console.error(
      "hint: cloud provider plugins are downloaded by the CLI where it has internet access (the CI workflows set\n" +
        "      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=false). Offline, the cloud stacks are checked under mocks with\n" +
        "      every policy by npm test (test/policies/prod-stack.test.ts).",
    );
  }
  process.exit(1);
});
