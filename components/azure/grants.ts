/**
 * A key's `{access, prefixes}` as Azure grants it: the permission letters of a service SAS, and
 * for identities the role plus the ABAC condition that limits it to the key's prefixes and to
 * exactly the data actions the key was given.
 */
import type { Access } from "../spec";
import type { KeyGrant } from "../access";

/** SAS permission letters per access, in the order Azure writes them (r a c w d x l ...). */
const SAS_LETTERS: Record<Access, string> = {
  read: "r",
  // Create a new blob (c) and write/overwrite a block blob (w); no append (a), no tags, no move.
  write: "cw",
  delete: "d",
  list: "l",
};
const SAS_ORDER = "racwdxyltfmeopi";

/** Canonical SAS permission string for a grant: `["list", "read"]` -> `"rl"`. */
export function sasPermissions(access: readonly Access[]): string {
  const letters = new Set(access.flatMap((a) => [...SAS_LETTERS[a]]));
  return [...SAS_ORDER].filter((l) => letters.has(l)).join("");
}

const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
export const DATA_ACTIONS = {
  read: `${BLOBS}/read`,
  write: `${BLOBS}/write`,
  add: `${BLOBS}/add/action`,
  delete: `${BLOBS}/delete`,
  move: `${BLOBS}/move/action`,
} as const;

/** Built-in role definition GUIDs (the same in every tenant). */
export const BUILTIN_ROLES = {
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

export type RoleChoice =
  | { kind: "builtin"; name: keyof typeof BUILTIN_ROLES; guid: string }
  /** Write-only keys: Azure has no built-in role that writes without reading. */
  | { kind: "custom"; dataActions: string[] };

export function roleFor(access: readonly Access[]): RoleChoice {
  const reads = access.includes("read") || access.includes("list");
  const modifies = access.includes("write") || access.includes("delete");
  if (!modifies) return { kind: "builtin", name: "Storage Blob Data Reader", guid: BUILTIN_ROLES["Storage Blob Data Reader"] };
  if (reads) return { kind: "builtin", name: "Storage Blob Data Contributor", guid: BUILTIN_ROLES["Storage Blob Data Contributor"] };
  const dataActions: string[] = [];
  if (access.includes("write")) dataActions.push(DATA_ACTIONS.add, DATA_ACTIONS.write);
  if (access.includes("delete")) dataActions.push(DATA_ACTIONS.delete);
  return { kind: "custom", dataActions: dataActions.sort() };
}

const PATH_ATTR = `@Resource[${BLOBS}:path]`;
const PREFIX_ATTR = `@Request[${BLOBS}:prefix]`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `!(ActionMatches{...})` style guard: true when the request is NOT this operation. */
function notOperation(action: string, subOperation?: "Blob.List" | "not Blob.List"): string {
  const sub = subOperation === "Blob.List" ? " AND SubOperationMatches{'Blob.List'}" : subOperation ? " AND NOT SubOperationMatches{'Blob.List'}" : "";
  return `!(ActionMatches{${quote(action)}}${sub})`;
}

function clause(guard: string, allowedWhen?: string): string {
  return allowedWhen ? `(\n (\n  ${guard}\n )\n OR\n (\n  ${allowedWhen}\n )\n)` : `(\n ${guard}\n)`;
}

/**
 * The ABAC condition (version 2.0) for a role assignment at container scope, or undefined when
 * the role already grants exactly the key's access on the whole container.
 *
 * Every data action the role carries but the key lacks is denied outright; every granted action
 * is allowed only on blob paths under the key's prefixes, and listing only with a `prefix`
 * parameter under one of them (a list without a prefix is refused).
 */
export function abacCondition(grant: KeyGrant): string | undefined {
  const role = roleFor(grant.access);
  const carried = new Set<string>(
    role.kind === "custom"
      ? role.dataActions
      : role.name === "Storage Blob Data Reader"
        ? [DATA_ACTIONS.read]
        : [DATA_ACTIONS.read, DATA_ACTIONS.write, DATA_ACTIONS.add, DATA_ACTIONS.delete, DATA_ACTIONS.move],
  );
  const startsWithAny = (attr: string) =>
    grant.prefixes.length ? grant.prefixes.map((p) => `${attr} StringStartsWith ${quote(p)}`).join("\n  OR\n  ") : undefined;
  const paths = startsWithAny(PATH_ATTR);
  // Reading a blob and listing blobs are the same data action, told apart by the sub-operation.
  const operations: Array<{ action: string; access: Access; guard: string; allowedWhen: string | undefined }> = [
    { action: DATA_ACTIONS.read, access: "read", guard: notOperation(DATA_ACTIONS.read, "not Blob.List"), allowedWhen: paths },
    { action: DATA_ACTIONS.read, access: "list", guard: notOperation(DATA_ACTIONS.read, "Blob.List"), allowedWhen: startsWithAny(PREFIX_ATTR) },
    { action: DATA_ACTIONS.write, access: "write", guard: notOperation(DATA_ACTIONS.write), allowedWhen: paths },
    { action: DATA_ACTIONS.add, access: "write", guard: notOperation(DATA_ACTIONS.add), allowedWhen: paths },
    { action: DATA_ACTIONS.delete, access: "delete", guard: notOperation(DATA_ACTIONS.delete), allowedWhen: paths },
  ];
  const clauses: string[] = [];
  for (const { action, access, guard, allowedWhen } of operations) {
    if (!carried.has(action)) continue;
    if (!grant.access.includes(access)) clauses.push(clause(guard));
    else if (allowedWhen) clauses.push(clause(guard, allowedWhen));
  }
  // Renames (hierarchical namespace only) could move a blob out of the prefixes: never allowed.
  if (carried.has(DATA_ACTIONS.move)) clauses.push(clause(notOperation(DATA_ACTIONS.move)));
  return clauses.length ? clauses.join("\nAND\n") : undefined;
}
