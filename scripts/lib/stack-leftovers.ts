/**
 * What `pulumi stack rm` leaves behind in a file (DIY) backend, and the one remover for it. The CLI
 * keeps `<name>.json.bak` (+ `.attrs` without metadata=skip) in the stacks directory and the
 * stack's backups, history and lock directories; a CLI killed mid-write also leaves
 * `<name>.json[.bak].<hex>.tmp`. Every checkpoint save walks the whole stacks directory (diy
 * `stackPath` lists it), so these leftovers cost every later operation on every stack, the dev
 * stack included. Node built-ins only: vitest's globalSetup and the bench load this.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const PROJECT = "secure-storage";

/** A killed CLI's temp file may belong to a write still in progress elsewhere when it is this young. */
const TMP_MIN_AGE_MS = 60_000;

/**
 * The local file backend's URL for a state directory (scripts/env.sh writes the same). `metadata=skip`:
 * gocloud's fileblob writes no `.attrs` sidecar, with an MD5 of the whole state, on every checkpoint
 * save; Pulumi never reads them.
 */
export function fileBackendUrl(dir: string): string {
  return `file://${dir}?metadata=skip`;
}

/** The directory of a `file://` backend URL with an absolute path (query dropped); anything else: undefined. */
export function fileBackendDir(url = process.env.PULUMI_BACKEND_URL): string | undefined {
  const m = /^file:\/\/(\/[^?]*)/.exec(url ?? "");
  return m ? m[1] : undefined;
}

// A stack's state is `<name>.json[.gz|.zst]`; its backup adds `.bak`; Go's temp files add `.<hex>.tmp`.
const STATE = /^(.+)\.json(?:\.gz|\.zst)?$/;
const LEFTOVER = /^(.+)\.json(?:\.gz|\.zst)?(?:\.bak(?:\.attrs)?|(?:\.bak)?\.[0-9a-f]+\.tmp)$/;
const TMP = /\.[0-9a-f]+\.tmp$/;

/** Stacks that exist, from a listing of the stacks directory. */
export function liveStacks(files: readonly string[]): Set<string> {
  return new Set(files.flatMap((f) => STATE.exec(f)?.[1] ?? []));
}

/**
 * The stacks whose leftovers to prune: every name with a leftover file in `files` (a listing of the
 * stacks directory) or a directory in `dirs` (backups/history/locks), unless it existed `before`,
 * exists `after`, or has a state file in `files` (checked again: a live stack's `.bak` is its backup).
 */
export function stacksToPrune(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
  files: readonly string[],
  dirs: readonly string[] = [],
): string[] {
  const live = liveStacks(files);
  const names = new Set([...files.flatMap((f) => LEFTOVER.exec(f)?.[1] ?? []), ...dirs]);
  return [...names].filter((n) => !before.has(n) && !after.has(n) && !live.has(n)).sort();
}

function stacksDir(backend: string, project: string): string {
  return path.join(backend, ".pulumi", "stacks", project);
}

/** Where a stack's per-stack directories live (locks sit under DIY's fixed `organization`). */
function stackDirs(backend: string, project: string): string[] {
  const dirs = [["backups", project], ["history", project], ["locks", "organization", project]];
  return dirs.map((d) => path.join(backend, ".pulumi", ...d));
}

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Delete one removed stack's leftovers. Refuses (returns false) while the stack exists. `files` is a
 * listing of the stacks directory to find the stack's temp files in (read here when not given).
 */
export function removeStackLeftovers(
  backend: string,
  name: string,
  project = PROJECT,
  files?: readonly string[],
): boolean {
  // A stack name, never a path: `..` or `a/b` would reach outside the stack's own directories.
  if (!/^[\w.-]+$/.test(name) || /^\.+$/.test(name)) return false;
  const dir = stacksDir(backend, project);
  // Asked of the disk, not of `files`: that listing may be older than the stack.
  if (["", ".gz", ".zst"].some((z) => fs.existsSync(path.join(dir, `${name}.json${z}`)))) return false;
  const listing = files ?? list(dir);
  const old = Date.now() - TMP_MIN_AGE_MS;
  for (const f of listing) {
    if (LEFTOVER.exec(f)?.[1] !== name) continue;
    const file = path.join(dir, f);
    if (TMP.test(f) && (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > old) continue;
    fs.rmSync(file, { force: true });
  }
  for (const d of stackDirs(backend, project)) fs.rmSync(path.join(d, name), { recursive: true, force: true });
  return true;
}

/** Every stack name the backend holds anything for: live stacks and removed ones with leftovers. */
export function knownStacks(backend: string, project = PROJECT): Set<string> {
  const files = list(stacksDir(backend, project));
  const none = new Set<string>();
  const removed = stacksToPrune(none, none, files, stackDirs(backend, project).flatMap(list));
  return new Set([...liveStacks(files), ...removed]);
}

/** Prune the leftovers of every removed stack not in `keep` (which also holds stacks to never touch). */
export function pruneRemovedStacks(backend: string, keep: ReadonlySet<string>, project = PROJECT): string[] {
  const files = list(stacksDir(backend, project));
  const dirs = stackDirs(backend, project).flatMap(list);
  const names = stacksToPrune(keep, liveStacks(files), files, dirs);
  for (const name of names) removeStackLeftovers(backend, name, project, files);
  return names;
}
