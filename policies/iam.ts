/**
 * Reading IAM-language policy documents (AWS IAM, S3 bucket policies, MinIO canned policies).
 * A document may be a JSON string or an object; a statement's fields may be a string or a list.
 * Anything not yet known is skipped, statement by statement, never the whole document.
 */
import { at, isObject, isUnknown, knownStrings, list, UNKNOWN, type Plain, type PlainObject, type Unknown } from "./props";

export interface ParsedDocument {
  statements: PlainObject[];
}

/** A document from a property value: UNKNOWN in preview, undefined when absent, `error` when malformed. */
export function parseDocument(v: Plain): ParsedDocument | Unknown | undefined | { error: string } {
  if (isUnknown(v)) return UNKNOWN;
  if (v === undefined || v === null || v === "") return undefined;
  let doc: Plain = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v) as Plain;
    } catch {
      return { error: "policy document is not valid JSON" };
    }
  }
  if (!isObject(doc)) return { error: "policy document is not a JSON object" };
  const st = doc.Statement;
  if (isUnknown(st)) return UNKNOWN;
  return { statements: list(st).filter(isObject) };
}

export function isDocument(d: ReturnType<typeof parseDocument>): d is ParsedDocument {
  return d !== undefined && d !== UNKNOWN && !("error" in (d as object));
}

/**
 * What `find` reports on a document property, each prefixed with `what`: nothing while it is
 * unknown, the parse error when it is malformed, `missing` (when given) when it is absent.
 */
export function documentProblems(v: Plain, what: string, find: (doc: ParsedDocument) => string[], missing?: string): string[] {
  const doc = parseDocument(v);
  if (doc === undefined) return missing ? [missing] : [];
  if (isUnknown(doc)) return [];
  if (!isDocument(doc)) return [`${what}: ${doc.error}`];
  return find(doc).map((m) => `${what}: ${m}`);
}

const effect = (st: PlainObject) => (typeof st.Effect === "string" ? st.Effect : undefined);
export const isAllow = (st: PlainObject) => effect(st) === "Allow";

const sid = (st: PlainObject, i: number) => (typeof st.Sid === "string" && st.Sid ? `statement "${st.Sid}"` : `statement ${i}`);

/** Actions that grant everything in S3 (or everything at all). */
function isWildcardAction(a: string): boolean {
  const lower = a.toLowerCase();
  return lower === "*" || (lower.startsWith("s3:") && lower.includes("*"));
}

/** `*`, `arn:aws:s3:::*`, or any S3 ARN whose bucket part is a wildcard (it matches every bucket). */
function isWildcardS3Resource(r: string): boolean {
  if (r === "*") return true;
  const m = /^arn:(?:aws|minio|[a-z-]*):s3:::(.*)$/.exec(r);
  if (!m) return /^arn:[^:]*:s3:\*/.test(r) || r === "arn:*";
  const bucketPart = m[1].split("/")[0];
  return bucketPart === "" || /[*?]/.test(bucketPart);
}

const touchesS3 = (actions: string[]) => actions.some((a) => a === "*" || a.toLowerCase().startsWith("s3:"));

/**
 * Allow statements with `*`/`s3:*`-style actions or resources matching every bucket.
 * `s3Only`: resources are judged only when the statement's actions reach S3 (AWS IAM documents
 * also govern other services; MinIO documents are all S3).
 */
export function wildcardGrants(doc: ParsedDocument, s3Only: boolean): string[] {
  const out: string[] = [];
  doc.statements.forEach((st, i) => {
    if (!isAllow(st)) return;
    const actions = knownStrings(st.Action);
    if (st.NotAction !== undefined) out.push(`${sid(st, i)} allows NotAction: everything except a list is a wildcard grant`);
    const wild = actions.filter(isWildcardAction);
    if (wild.length) out.push(`${sid(st, i)} allows wildcard action(s) ${wild.map((a) => `"${a}"`).join(", ")}`);
    if (s3Only && !touchesS3(actions) && st.NotAction === undefined) return;
    if (st.NotResource !== undefined) out.push(`${sid(st, i)} allows NotResource: every other resource, including every bucket`);
    const res = knownStrings(st.Resource).filter(isWildcardS3Resource);
    if (res.length) out.push(`${sid(st, i)} allows resource(s) ${res.map((r) => `"${r}"`).join(", ")} (every bucket)`);
  });
  return out;
}

/** MinIO admin actions (`admin:*`) let a key manage users, policies or the server itself. */
export function adminActions(doc: ParsedDocument): string[] {
  return doc.statements
    .filter(isAllow)
    .flatMap((st) => knownStrings(st.Action).filter((a) => a.toLowerCase().startsWith("admin:")))
    .map((a) => `allows MinIO admin action "${a}"`);
}

/** Condition keys that pin a `*` principal to known callers, so AWS does not count it as public. */
const RESTRICTING_KEYS = ["aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceaccount", "aws:sourcearn", "aws:sourceip"];

function principalIsEveryone(p: Plain): boolean {
  if (p === "*") return true;
  if (isObject(p)) return ["AWS", "CanonicalUser"].some((k) => knownStrings(p[k]).includes("*"));
  return false;
}

function restricted(st: PlainObject): boolean {
  const cond = st.Condition;
  if (!isObject(cond)) return false;
  return Object.values(cond).some((ops) => isObject(ops) && Object.keys(ops).some((k) => RESTRICTING_KEYS.includes(k.toLowerCase())));
}

/** Allow statements open to everyone (Principal `*`, not pinned by a restricting condition). */
export function publicGrants(doc: ParsedDocument): string[] {
  const out: string[] = [];
  doc.statements.forEach((st, i) => {
    if (!isAllow(st)) return;
    if (st.NotPrincipal !== undefined) out.push(`${sid(st, i)} allows NotPrincipal: everyone except a list`);
    else if (principalIsEveryone(st.Principal) && !restricted(st)) out.push(`${sid(st, i)} allows Principal "*" (anyone on the internet)`);
  });
  return out;
}

/** Unknown when a statement needed to decide is not known yet. */
export function hasTlsOnlyDeny(doc: ParsedDocument): boolean | Unknown {
  let sawUnknown = false;
  for (const st of doc.statements) {
    if (effect(st) !== "Deny") continue;
    if (!principalIsEveryone(st.Principal)) continue;
    const actions = knownStrings(st.Action);
    if (!actions.some((a) => a === "*" || a.toLowerCase() === "s3:*")) continue;
    const secure = at(st, "Condition", "Bool", "aws:SecureTransport");
    if (isUnknown(secure)) {
      sawUnknown = true;
      continue;
    }
    if (list(secure).some((v) => v === false || v === "false")) return true;
  }
  return sawUnknown ? UNKNOWN : false;
}

/** Bucket names an Allow statement reaches (`*` for a wildcard bucket); skipped when unknown. */
export function bucketsReached(doc: ParsedDocument): Set<string> {
  const out = new Set<string>();
  for (const st of doc.statements) {
    if (!isAllow(st)) continue;
    for (const r of knownStrings(st.Resource)) {
      if (isWildcardS3Resource(r)) out.add("*");
      else {
        const m = /^arn:[^:]*:s3:::([^/]+)/.exec(r);
        if (m) out.add(m[1]);
      }
    }
  }
  return out;
}
