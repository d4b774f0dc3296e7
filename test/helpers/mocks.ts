/** What every component test under `pulumi.runtime.setMocks` shares. */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** A resource as the mock monitor saw it registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The resolved value of an Input (test side only: never inside a program). */
export function unwrap<T>(o: pulumi.Input<T> | undefined): Promise<T> {
  return new Promise((resolve) => pulumi.output(o as pulumi.Input<T>).apply((v) => resolve(v as T)));
}

/**
 * The SDK's own "every RPC has finished" wait (what it runs before disconnecting). It is internal,
 * so it is looked up rather than imported; @pulumi/pulumi is pinned, and a missing one falls back
 * to waiting for a quiet period.
 */
const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;

/**
 * Calls that reached a mock monitor (registrations, reads, invokes): the progress marker. A
 * counter, not the monitor's URN table, because a test may register the same name again.
 */
let monitorCalls = 0;
type MonitorMethod = (this: unknown, ...args: unknown[]) => unknown;
const monitorProto = MockMonitor.prototype as unknown as Record<string, MonitorMethod> & { __settleCounted?: boolean };
if (!monitorProto.__settleCounted) {
  for (const method of ["registerResource", "readResource", "invoke", "call"]) {
    const original = monitorProto[method];
    if (typeof original !== "function") continue;
    monitorProto[method] = function (this: unknown, ...args: unknown[]) {
      monitorCalls++;
      return original.apply(this, args);
    };
  }
  monitorProto.__settleCounted = true;
}

/** Resource options as the engine would see them (the mock API's newResource gets none). */
export interface RegisteredOptions {
  protect: boolean;
  retainOnDelete: boolean;
}

/**
 * An alias as sent to the engine: a URN, or a spec whose fields the engine fills in (the SDK sends
 * the resource's own parent when the alias names none).
 */
export type SentAlias = string | { type?: string; name?: string; parentUrn?: string; noParent?: boolean };

interface AliasProto {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec(): { getType(): string; getName(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getCustom(): boolean;
  getAliasesList(): AliasProto[];
}
interface Recorded {
  custom: boolean;
  options: RegisteredOptions;
  aliases: SentAlias[];
}

function sentAlias(a: AliasProto): SentAlias {
  const spec = a.hasSpec() ? a.getSpec() : undefined;
  if (!spec) return a.getUrn();
  const out: Exclude<SentAlias, string> = {};
  if (spec.getType()) out.type = spec.getType();
  if (spec.getName()) out.name = spec.getName();
  if (spec.getParenturn()) out.parentUrn = spec.getParenturn();
  if (spec.getNoparent()) out.noParent = true;
  return out;
}

// On globalThis, not in this module: the prototype is wrapped once per process, and a re-imported
// module must still read what that one wrapper records.
const RECORDED = Symbol.for("secure-storage.test.registered");
const g = globalThis as unknown as Record<symbol, Map<string, Recorded> | undefined>;
const recorded = (g[RECORDED] ??= new Map<string, Recorded>());
type RegisterProto = Record<string, MonitorMethod> & { __registrationsRecorded?: boolean };
const registerProto = MockMonitor.prototype as unknown as RegisterProto;
if (!registerProto.__registrationsRecorded) {
  const original = registerProto.registerResource;
  registerProto.registerResource = function (this: unknown, ...args: unknown[]) {
    const req = args[0] as RegisterRequest;
    recorded.set(`${req.getType()}::${req.getName()}`, {
      custom: req.getCustom(),
      options: { protect: req.getProtect() ?? false, retainOnDelete: req.getRetainondelete() ?? false },
      aliases: req.getAliasesList().map(sentAlias),
    });
    return original.apply(this, args);
  };
  registerProto.__registrationsRecorded = true;
}

function recordedAs(type: string, name: string): Recorded {
  const found = recorded.get(`${type}::${name}`);
  if (!found) throw new Error(`no resource ${type} named ${name} was registered`);
  return found;
}

/** The options the last resource registered as `type` `name` was sent with (after `settle()`). */
export function optionsOf(type: string, name: string): RegisteredOptions {
  return recordedAs(type, name).options;
}

/** The aliases the last resource registered as `type` `name` was sent with (after `settle()`). */
export function aliasesOf(type: string, name: string): SentAlias[] {
  return recordedAs(type, name).aliases;
}

/** The types of the custom resources registered as `name`, whatever their type token. */
export function customTypesNamed(name: string): string[] {
  const suffix = `::${name}`;
  return [...recorded].filter(([k, r]) => r.custom && k.endsWith(suffix)).map(([k]) => k.slice(0, -suffix.length));
}

const nextMacrotask = () => new Promise<void>((r) => setImmediate(r));

async function untilQuiet(quietTurns: number): Promise<void> {
  let last = monitorCalls;
  for (let still = 0; still < quietTurns; ) {
    await new Promise((r) => setTimeout(r, 5));
    still = monitorCalls === last ? still + 1 : 0;
    last = monitorCalls;
  }
}

/**
 * Wait until everything the program started under mocks has been registered and resolved, however
 * long that takes on a loaded machine and no longer.
 *
 * A resource holds the SDK's keep-alive from its constructor (before its inputs resolve, which the
 * monitor never sees) until its outputs are resolved, so waiting for the keep-alives covers what a
 * quiet period on the monitor would miss. Work started in `apply` callbacks begins only after an
 * output resolved: one macrotask lets those callbacks run, and the loop repeats until a round in
 * which nothing new reached the monitor. `timeoutMs` turns a registration that never finishes
 * (an output nothing resolves) into a named failure instead of a hung test.
 */
export async function settle(timeoutMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`mock registrations still pending after ${timeoutMs} ms`)), timeoutMs);
  });
  const drain = async () => {
    for (;;) {
      const before = monitorCalls;
      if (waitForRPCs) await waitForRPCs();
      else await untilQuiet(5);
      await nextMacrotask();
      if (waitForRPCs) await waitForRPCs();
      if (monitorCalls === before) return;
    }
  };
  try {
    await Promise.race([drain(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
