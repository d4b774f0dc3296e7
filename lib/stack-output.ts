/**
 * The `storage` output of a deployed stack, read from the backend only: the stack is selected
 * without a program, so nothing in stacks/ or components/ runs (or is even loaded) to answer.
 */
import * as path from "node:path";
import * as auto from "@pulumi/pulumi/automation";
import type { StorageContract } from "../components/contract";
import { upgradeStorageContract } from "./contract-upgrade";

const ROOT = path.resolve(__dirname, "..");

export async function readStorageOutput(stack: string, workDir = ROOT): Promise<StorageContract> {
  const selected = await auto.LocalWorkspace.selectStack({ stackName: stack, workDir });
  const storage = upgradeStorageContract((await selected.outputs()).storage?.value);
  if (!storage) throw new Error(`stack "${stack}" has no "storage" output; run npm run deploy first`);
  return storage;
}
