/**
 * MinIO returns policies with its own key order, may collapse one-element arrays to strings, and
 * stores actions as a set (Go map), so their order varies between reads: compare them in one form.
 */
import { canonicalJson } from "../access";

/** The policy as canonical JSON with every Action/Resource a sorted array. */
export function samePolicyForm(doc: string): string {
  const parsed = JSON.parse(doc) as { Statement?: Array<Record<string, unknown>> };
  for (const st of parsed.Statement ?? []) {
    for (const k of ["Action", "Resource"]) {
      if (typeof st[k] === "string") st[k] = [st[k]];
      if (Array.isArray(st[k])) st[k] = [...(st[k] as string[])].sort();
    }
  }
  return canonicalJson(parsed);
}

export const samePolicy = (a: string, b: string): boolean => samePolicyForm(a) === samePolicyForm(b);
