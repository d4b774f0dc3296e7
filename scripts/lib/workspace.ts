/**
 * Automation API access to stacks. A project stack is the repository itself (Pulumi.yaml, the
 * entry in stacks/, Pulumi.<stack>.yaml): the same program the CLI runs. Throwaway test stacks run
 * an inline program in .local/workspace with config given in code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as auto from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import type { StorageContract } from "../../components/contract";
import { upgradeStorageContract } from "../../lib/contract-upgrade";
import { LOCAL, loadEnvFile, ROOT } from "./paths";
import { fileBackendDir } from "./stack-leftovers";

export { LOCAL, loadEnvFile, ROOT } from "./paths";

function readYaml(file: string): Record<string, unknown> {
  return (parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
}


/** Pulumi.yaml's `plugins` section with each path made absolute. */
function pluginsOf(project: Record<string, unknown>): Record<string, unknown> {
  const plugins = project.plugins as Record<string, Array<{ path?: string }>> | undefined;
  if (!plugins) return {};
  const abs = (list: Array<{ path?: string }>) => list.map((p) => (p.path ? { ...p, path: path.resolve(ROOT, p.path) } : p));
  return { plugins: Object.fromEntries(Object.entries(plugins).map(([kind, list]) => [kind, abs(list)])) };
}

export interface OpenOptions {
  stack: string;
  program: auto.PulumiFn;
  /** Use this stack file's config instead of Pulumi.<stack>.yaml (tests run dev's config as a throwaway stack). */
  configFrom?: string;
  /** Replace config entirely (tests of bad input). */
  config?: Record<string, unknown>;
}

export async function openStack({ stack, program, configFrom, config }: OpenOptions): Promise<auto.Stack> {
  const stackFile = path.join(ROOT, `Pulumi.${configFrom ?? stack}.yaml`);
  if (!config && !fs.existsSync(stackFile)) throw new Error(`no stack config ${path.relative(ROOT, stackFile)} (known stacks: ${knownStacks().join(", ")})`);
  if (!process.env.PULUMI_BACKEND_URL) throw new Error("PULUMI_BACKEND_URL is not set; run through npm (scripts/env.sh sets it)");
  if (!process.env.PULUMI_CONFIG_PASSPHRASE_FILE && !process.env.PULUMI_CONFIG_PASSPHRASE) {
    throw new Error("PULUMI_CONFIG_PASSPHRASE_FILE is not set; run through npm (scripts/env.sh sets it)");
  }
  const backend = process.env.PULUMI_BACKEND_URL;
  const backendDir = fileBackendDir(backend);
  if (backendDir) fs.mkdirSync(backendDir, { recursive: true });
  const project = readYaml(path.join(ROOT, "Pulumi.yaml"));
  const committed = config ? { config } : readYaml(stackFile);
  const workDir = path.join(LOCAL, "workspace");
  fs.mkdirSync(workDir, { recursive: true });
  const localCopy = path.join(workDir, `Pulumi.${stack}.yaml`);
  const salt = fs.existsSync(localCopy) ? readYaml(localCopy).encryptionsalt : undefined;
  const ws = await auto.LocalWorkspace.create({
    workDir,
    program,
    projectSettings: {
      name: String(project.name),
      runtime: "nodejs",
      description: String(project.description ?? ""),
      // The project's provider plugins (secure-storage), by absolute path: the workspace is elsewhere.
      ...pluginsOf(project),
    } as auto.ProjectSettings,
    stackSettings: { [stack]: { ...(committed as auto.StackSettings), ...(salt ? { encryptionsalt: String(salt) } : {}) } },
  });
  return auto.Stack.createOrSelect(stack, ws);
}

/**
 * A stack of this project, run exactly as `pulumi up --stack <stack>` runs it (the CLI loads the
 * entry through the language host), with the local MinIO admin credentials in the environment.
 */
export async function openProjectStack(stack: string): Promise<auto.Stack> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`no stack config Pulumi.${stack}.yaml (known stacks: ${knownStacks().join(", ")})`);
  loadEnvFile(path.join(LOCAL, "minio.env"));
  return auto.LocalWorkspace.createOrSelectStack({ stackName: stack, workDir: ROOT });
}

/** The `storage` output of an opened stack (secrets decrypted), or undefined before its first deploy. */
export async function deployedContract(stack: auto.Stack): Promise<StorageContract | undefined> {
  return upgradeStorageContract((await stack.outputs()).storage?.value);
}

export function knownStacks(): string[] {
  return fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s));
}
