/** CORS rules, whatever the provider calls their fields: a wildcard origin must not come with writes. */
import { knownStrings, list, type Plain } from "./props";

/** Methods that change data (Azure adds MERGE; GCS accepts `*` for all). */
const WRITE_METHODS = new Set(["PUT", "POST", "DELETE", "PATCH", "MERGE", "*"]);

/** `*` or a scheme-wide wildcard such as `https://*`: any site on the web. */
export const isAnyOrigin = (o: string) => /^(\*|https?:\/\/\*)$/.test(o.trim());

/** One message when a known `*` origin comes with a known write method; none for unknowns. */
function wildcardWriteRule(origins: Plain, methods: Plain, where: string): string[] {
  const anyOrigin = knownStrings(origins).filter(isAnyOrigin);
  const writes = knownStrings(methods).filter((m) => WRITE_METHODS.has(m.toUpperCase()));
  if (!anyOrigin.length || !writes.length) return [];
  return [`${where} lets any origin (${anyOrigin.map((o) => `"${o}"`).join(", ")}) send ${writes.join(", ")}: list the application origins`];
}

/** wildcardWriteRule over each rule of a provider's CORS list (`fields` reads its origins and methods), named `<where>[i]`. */
export function wildcardWriteRules(rules: Plain, where: string, fields: (rule: Plain) => [origins: Plain, methods: Plain]): string[] {
  return list(rules).flatMap((r, i) => wildcardWriteRule(...fields(r), `${where}[${i}]`));
}
