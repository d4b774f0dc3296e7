/**
 * Loads Pulumi.yaml's `main` the way the Node.js language host does (started with Pulumi.yaml's
 * nodeargs, `require` the entry, call module.exports when it is a function; named results become
 * stack outputs) under Pulumi mocks, and prints one JSON line: what was registered, the outputs,
 * or the error. Run as a child process by test/unit/entry.test.ts.
 *   ENTRY_STACK_FILE   stack file whose config the program reads (default Pulumi.dev.yaml)
 *   ENTRY_DRY_RUN      "false" for an update (default: preview)
 *   ENTRY_DEPLOYED     JSON of the stack's last `storage` output, served to its StackReference
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { settle } from "./mocks";

const root = path.resolve(__dirname, "..", "..");
const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; main: string };
const stackFile = process.env.ENTRY_STACK_FILE ?? path.join(root, "Pulumi.dev.yaml");
const config = (parse(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> }).config;
const deployed = process.env.ENTRY_DEPLOYED ? (JSON.parse(process.env.ENTRY_DEPLOYED) as unknown) : undefined;

const registered: Array<{ type: string; name: string }> = [];
pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
pulumi.runtime.setMocks(
  {
    newResource: (a) => {
      registered.push({ type: a.type, name: a.name });
      if (a.type === "pulumi:pulumi:StackReference") return { id: a.inputs.name, state: { ...a.inputs, outputs: deployed ? { storage: deployed } : {} } };
      return { id: `${a.name}-id`, state: a.inputs };
    },
    call: (a) => a.inputs,
  },
  project.name,
  path.basename(stackFile).replace(/^Pulumi\.|\.yaml$/g, ""),
  process.env.ENTRY_DRY_RUN !== "false",
);

// The entry reports config problems through log.error and exits; record both instead.
const logged: string[] = [];
const exit = process.exit.bind(process);
pulumi.log.error = async (msg: string) => void logged.push(msg);
process.exit = ((code?: number) => {
  console.log(JSON.stringify({ error: logged.join("\n"), exitCode: code, registered }));
  exit(0);
}) as typeof process.exit;

(async () => {
  const mod: unknown = require(path.resolve(root, project.main));
  const result = typeof mod === "function" ? await (mod as () => Promise<Record<string, unknown>>)() : mod;
  await settle(); // registrations queued by components land before the report, however long they take
  console.log(JSON.stringify({ exportType: typeof mod, outputs: Object.keys(result as object), registered }));
})().catch((e: Error) => {
  console.log(JSON.stringify({ error: e.message, registered }));
});
