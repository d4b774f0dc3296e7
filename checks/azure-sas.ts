/**
 * What a service SAS may carry for each access, stated by the checker itself: if the Azure
 * adapter's mapping were wrong, reusing it would make `verify` agree with the bug.
 * Letters are Azure's container SAS permissions (docs: "Create a service SAS", permissions).
 */
import type { Access } from "../components/spec";

/**
 * read = r (read a blob), write = c + w (create a blob, write a block blob), delete = d, list = l.
 * Never: a (append), x (delete versions), y (permanent delete), t (tags), f (find by tags),
 * m (move), e (execute), o (ownership), p (permissions), i (set immutability policy).
 */
export const SAS_LETTERS_FOR: Record<Access, string> = { read: "r", write: "cw", delete: "d", list: "l" };

/** The permission letters a SAS for `access` must carry exactly, sorted so they compare as strings. */
export function expectedSasLetters(access: readonly Access[]): string {
  return [...new Set(access.flatMap((a) => [...SAS_LETTERS_FOR[a]]))].sort().join("");
}

/** Letters of a SAS's (or stored policy's) permission string, sorted the same way. */
export const sortedLetters = (permissions: string): string => [...new Set(permissions)].sort().join("");

/** The stored access policy a SAS names (`si=`), if any. */
export function storedPolicyOf(sas: string): string | undefined {
  return new URLSearchParams(sas).get("si") ?? undefined;
}

/**
 * The id an older generation's stored policy had, derived from the contract's own credential id
 * (`<anything>g<generation>`); undefined when the id does not end in its generation.
 */
export function earlierPolicyId(current: { id: string; generation: number }, generation: number): string | undefined {
  const suffix = `g${current.generation}`;
  if (!current.id.endsWith(suffix)) return undefined;
  return `${current.id.slice(0, -suffix.length)}g${generation}`;
}
