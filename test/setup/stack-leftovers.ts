/**
 * vitest globalSetup: the stacks a test run creates and removes in the file backend leave
 * `.json.bak`, backups, history and lock directories behind, and the CLI walks the stacks directory
 * on every checkpoint save. Note every stack name the backend holds anything for before the run;
 * afterwards prune the leftovers of the other names whose stack is gone (created and removed since).
 * Stacks that existed (or had leftovers) at the start and stacks that exist now are never touched.
 */
import { fileBackendDir, knownStacks, pruneRemovedStacks } from "../../scripts/lib/stack-leftovers";

export default function setup(): (() => void) | undefined {
  const backend = fileBackendDir();
  if (!backend) return undefined;
  const before = knownStacks(backend);
  return () => void pruneRemovedStacks(backend, before);
}
