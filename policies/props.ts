/**
 * Resource properties as plain data, with values not yet known during preview made explicit.
 *
 * The engine hands policies a proxy that throws when an unknown value is read, which would turn a
 * whole resource into "can't run during preview" even when one known field is already bad. So we
 * copy the properties once, field by field, replacing each unknown with UNKNOWN: a check then
 * skips exactly the unknown parts (reports nothing for them) and still sees every known bad value.
 */
import { UnknownValueError } from "@pulumi/policy";

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;
export type Plain = string | number | boolean | null | undefined | Unknown | Plain[] | { [key: string]: Plain };
export type PlainObject = { [key: string]: Plain };

/**
 * The engine's wire sentinels for unknown values (one per kind: bool, number, string, ...), taken
 * from @pulumi/policy itself so they cannot drift; its typings keep them internal.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyModule = require("@pulumi/policy/proxy") as Record<string, unknown>;
const SENTINELS = new Set(
  Object.entries(proxyModule)
    .filter(([k, v]) => /^unknown[A-Za-z]+Value$/.test(k) && typeof v === "string")
    .map(([, v]) => v as string),
);
if (SENTINELS.size < 7) throw new Error("@pulumi/policy no longer exports its unknown-value sentinels; policies/props.ts needs updating");

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN || (typeof v === "string" && SENTINELS.has(v));
}

function read(container: Record<string | number, unknown>, key: string | number): unknown {
  try {
    return container[key];
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** Deep copy of (possibly proxied) resource properties; unknowns become UNKNOWN. */
export function plain(value: unknown): Plain {
  if (isUnknown(value)) return UNKNOWN;
  if (value === null || value === undefined) return value;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) {
    const out: Plain[] = [];
    for (let i = 0; i < value.length; i++) out.push(plain(read(value as unknown as Record<number, unknown>, i)));
    return out;
  }
  if (typeof value === "object") {
    const out: PlainObject = {};
    for (const k of Object.keys(value)) out[k] = plain(read(value as Record<string, unknown>, k));
    return out;
  }
  return undefined; // functions and other non-data never reach policies
}

/** Walk a path; UNKNOWN as soon as any step is unknown, undefined when a step is missing. */
export function at(v: Plain, ...path: Array<string | number>): Plain {
  let cur: Plain = v;
  for (const p of path) {
    if (isUnknown(cur)) return UNKNOWN;
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? cur[p as number] : (cur as PlainObject)[p as string];
  }
  return cur;
}

export const isObject = (v: Plain): v is PlainObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** An array's elements; a lone value counts as a one-element array (IAM allows both). */
export function list(v: Plain): Plain[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Known strings of a list, e.g. CORS origins; unknown elements are left out. */
export function knownStrings(v: Plain): string[] {
  return list(v).filter((x): x is string => typeof x === "string" && !isUnknown(x));
}

/** A boolean that may arrive as a string (IAM conditions, some providers). */
export function asBool(v: Plain): boolean | Unknown | undefined {
  if (isUnknown(v)) return UNKNOWN;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return undefined;
}

/**
 * The same properties, recording the path of every UNKNOWN a check reads. A check that passes
 * after reading one has not judged the resource (an unknown ACL is not a private ACL), so the
 * policy turns the silent pass into the engine's "can't run during preview" advisory (policy.ts).
 */
export function watchUnknowns(root: PlainObject): { props: PlainObject; unknownReads: Set<string> } {
  const unknownReads = new Set<string>();
  const wrap = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(t, key, receiver) {
        const v = Reflect.get(t, key, receiver) as Plain;
        if (typeof key === "symbol") return v;
        const here = Array.isArray(t) ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
        if (v === UNKNOWN) unknownReads.add(here);
        return typeof v === "object" && v !== null ? wrap(v, here) : v;
      },
    });
  return { props: wrap(root, ""), unknownReads };
}

/** The engine's own error for "read an unknown value": its server reports it as an advisory, never a violation. */
export function cannotJudgeInPreview(paths: Iterable<string>): Error {
  const Ctor = proxyModule.UnknownValueError as new (sentinel: unknown, props: string[]) => Error;
  const e = new Ctor(proxyModule.unknownObjectValue, []);
  e.message = `${[...paths].map((p) => `.${p}`).join(", ")} can't be known during preview, so this policy cannot judge the resource yet`;
  return e;
}
