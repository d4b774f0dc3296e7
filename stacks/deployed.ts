/**
 * What this stack last deployed, read inside the program so the generation guard runs wherever
 * the program runs (raw `pulumi up`, CI, the Automation API), not only in a wrapper.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StorageContract } from "../components/contract";
import { upgradeStorageContract } from "../lib/contract-upgrade";

/** The part of Output that StackReference.getOutputDetails itself awaits (unknown -> undefined). */
type Awaitable<T> = pulumi.Output<T> & { promise(): Promise<T> };

/**
 * The stack's own `storage` output from its last update, or undefined before the first one.
 * A StackReference to itself: a read, so `--expect-no-changes` and the change summary ignore it.
 */
export async function deployedStorage(): Promise<StorageContract | undefined> {
  const self = `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const ref = new pulumi.StackReference("deployed", { name: self });
  // `outputs` is {} for a stack with no update yet; a mock monitor may leave it out entirely.
  const storage = ref.outputs.apply((o) => (o as Record<string, unknown> | undefined)?.storage) as Awaitable<unknown>;
  return upgradeStorageContract(await storage.promise());
}

/** The engine always passes one ("organization" on self-managed backends); a mock monitor may not. */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}
