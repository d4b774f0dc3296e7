/** What every component test under `pulumi.runtime.setMocks` shares. */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** A resource as the mock monitor saw it registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** False for a component (the MinIO and B2 components share their bucket's type token). */
  custom?: boolean;
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

/**
 * Resource options of custom resources as the engine would see them (the mock API's newResource
 * gets none). Components are left out: one may share its child's type and name.
 */
export interface RegisteredOptions {
  protect: boolean;
  retainOnDelete: boolean;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getCustom(): boolean;
}
// On globalThis, not in this module: the prototype is wrapped once per process, and a re-imported
// module must still read what that one wrapper records.
const OPTIONS = Symbol.for("secure-storage.test.registeredOptions");
const g = globalThis as unknown as Record<symbol, Map<string, RegisteredOptions> | undefined>;
const optionsByResource = (g[OPTIONS] ??= new Map<string, RegisteredOptions>());
const registerProto = MockMonitor.prototype as unknown as Record<string, MonitorMethod> & { __optionsRecorded?: boolean };
if (!registerProto.__optionsRecorded) {
  const original = registerProto.registerResource;
  registerProto.registerResource = function (this: unknown, ...args: unknown[]) {
    const req = args[0] as RegisterRequest;
    if (req.getCustom()) {
      optionsByResource.set(`${req.getType()}::${req.getName()}`, {
        protect: req.getProtect() ?? false,
        retainOnDelete: req.getRetainondelete() ?? false,
      });
    }
    return original.apply(this, args);
  };
  registerProto.__optionsRecorded = true;
}

/** The options the last custom resource registered as `type` `name` was sent with (after `settle()`). */
export function optionsOf(type: string, name: string): RegisteredOptions {
  const found = optionsByResource.get(`${type}::${name}`);
  if (!found) throw new Error(`no custom resource ${type} named ${name} was registered`);
  return found;
}

/** The types of the custom resources registered as `name`, whatever their type token. */
export function customTypesNamed(name: string): string[] {
  return [...optionsByResource.keys()].filter((k) => k.endsWith(`::${name}`)).map((k) => k.slice(0, -`::${name}`.length));
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
