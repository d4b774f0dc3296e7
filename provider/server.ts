/**
 * The `secure-storage` provider: maps each type token to its ProviderImpl (provider/types.ts) and
 * translates between the engine's property bags and what the implementations expect.
 *
 * - Secrets: this provider accepts secrets (the SDK server says so in Configure), so values arrive
 *   wrapped. The implementations want plain values; outputs are wrapped again when the input was
 *   secret or the type lists the output as secret (a MinIO user's secret key, a B2 key).
 * - Migration: state written by the dynamic provider holds `__provider` (the serialized provider)
 *   in inputs and outputs. A resource moved here by its alias arrives with it in `olds`; the diff
 *   then reports a change and the update writes the same outputs without it, touching nothing
 *   remote unless the implementation's own diff finds a real change.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { oneLine } from "../components/errors";
import { resourceType, type ProviderImpl, type ResourceType } from "./types";

/** The SDK's own marker for a secret value in a property bag (not a copy of its constants). */
const { specialSigKey: SIG_KEY, specialSecretSig: SECRET_SIG } = pulumi.runtime;
/** Where the dynamic provider kept its serialized self. */
export const LEGACY_PROVIDER_KEY = "__provider";

type Props = Record<string, unknown>;

const ROOT = path.resolve(__dirname, "..");
const impls = new Map<string, ProviderImpl>();

function implFor(t: ResourceType): ProviderImpl {
  let impl = impls.get(t.token);
  if (!impl) {
    impl = (require(path.join(ROOT, t.impl)) as { provider: ProviderImpl }).provider;
    impls.set(t.token, impl);
  }
  return impl;
}

function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && pulumi.runtime.isRpcSecret(v);
}

function contains(v: unknown, pred: (x: unknown) => boolean): boolean {
  if (pred(v)) return true;
  if (Array.isArray(v)) return v.some((x) => contains(x, pred));
  if (typeof v === "object" && v !== null) return Object.values(v).some((x) => contains(x, pred));
  return false;
}

function unwrap(v: unknown): unknown {
  if (isSecret(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
}

/** A bag as the implementations see it: plain values, no legacy `__provider`. */
interface Plain {
  props: Props;
  /** Top-level keys that held a secret anywhere inside. */
  secretKeys: Set<string>;
  legacy: boolean;
}

function plain(bag: Props | undefined): Plain {
  const props: Props = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(bag ?? {})) {
    if (k === LEGACY_PROVIDER_KEY) continue;
    if (contains(v, isSecret)) secretKeys.add(k);
    props[k] = unwrap(v);
  }
  return { props, secretKeys, legacy: bag !== undefined && LEGACY_PROVIDER_KEY in bag };
}

function wrapSecrets(t: ResourceType, outs: Props | undefined, ...from: Plain[]): Props | undefined {
  if (!outs) return outs;
  const secret = new Set<string>(t.secretOutputs);
  for (const p of from) for (const k of p.secretKeys) secret.add(k);
  return Object.fromEntries(
    Object.entries(outs).map(([k, v]) => [k, secret.has(k) && v !== undefined ? { [SIG_KEY]: SECRET_SIG, value: v } : v]),
  );
}

/**
 * The SDK server prints `${e}: ${e.stack}` to the provider's stderr (which the CLI shows) before
 * it returns the error over gRPC, where the CLI shows it again. Errors we rethrow are one line
 * (the message), and their stack print is dropped: the CLI shows each failure once, without frames.
 */
const quiet = new Set<string>();
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (args.length === 1 && typeof args[0] === "string" && quiet.delete(args[0])) return;
  consoleError(...args);
};

async function oneLineErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const msg = oneLine(e);
    const err = new Error(msg);
    err.stack = msg;
    // Keep the id and reasons of a partial create. Not its `properties`: they would reach the state
    // without the secret wrapping of wrapSecrets (no implementation returns a partial state anyway).
    if (e && typeof e === "object") {
      for (const k of ["id", "reasons"] as const) if (k in e) Object.assign(err, { [k]: (e as Props)[k] });
    }
    // Not every method's error is printed by the SDK: forget the line soon, so it never hides a later one.
    const line = `${err}: ${err.stack}`;
    quiet.add(line);
    setTimeout(() => quiet.delete(line), 1000).unref();
    throw err;
  }
}

const typeOf = (urn: string): ResourceType => resourceType(urn.split("::")[2]?.split("$").pop() ?? urn);

/** The provider over `load` (the implementations by type; tests pass their own). */
export function makeProvider(load: (t: ResourceType) => ProviderImpl = implFor): provider.Provider {
  return {
    version: "0.1.0",

    async check(urn, olds, news) {
      return oneLineErrors(async () => {
        const t = typeOf(urn);
        const impl = load(t);
        const o = plain(olds);
        const n = plain(news);
        const r = impl.check ? await impl.check(o.props, n.props) : { inputs: n.props };
        return { inputs: wrapSecrets(t, r.inputs ?? n.props, n), failures: r.failures } as provider.CheckResult;
      });
    },

    async diff(id, urn, olds, news) {
      return oneLineErrors(async () => {
        const t = typeOf(urn);
        const o = plain(olds);
        const r = await load(t).diff(id, o.props, plain(news).props);
        // State from the dynamic provider: rewrite it once, without the serialized provider.
        if (o.legacy && !r.changes && !(r.replaces ?? []).length) return { ...r, changes: true } as provider.DiffResult;
        return r as provider.DiffResult;
      });
    },

    async create(urn, inputs) {
      return oneLineErrors(async () => {
        const t = typeOf(urn);
        const i = plain(inputs);
        const r = await load(t).create(i.props);
        return { id: r.id, outs: wrapSecrets(t, r.outs, i) };
      });
    },

    async read(id, urn, props) {
      return oneLineErrors(async () => {
        const t = typeOf(urn);
        const p = plain(props);
        const impl = load(t);
        const r: pulumi.dynamic.ReadResult = impl.read ? await impl.read(id, p.props) : { id, props: p.props };
        const inputs = "inputs" in r && r.inputs ? { inputs: wrapSecrets(t, r.inputs as Props, p) } : {};
        return { id: r.id, props: wrapSecrets(t, r.props, p), ...inputs };
      });
    },

    async update(id, urn, olds, news) {
      return oneLineErrors(async () => {
        const t = typeOf(urn);
        const o = plain(olds);
        const n = plain(news);
        const impl = load(t);
        if (o.legacy) {
          // The migration's own update: nothing to change remotely, only the state's shape.
          const d = await impl.diff(id, o.props, n.props);
          if (!d.changes) return { outs: wrapSecrets(t, o.props, o, n) };
        }
        if (!impl.update) throw new Error(`${t.token}: update is not supported; the diff must request a replacement`);
        const r = await impl.update(id, o.props, n.props);
        return { outs: wrapSecrets(t, r.outs, o, n) };
      });
    },

    async delete(id, urn, props) {
      return oneLineErrors(async () => {
        const t = typeOf(urn);
        await load(t).delete(id, plain(props).props);
      });
    },
  };
}

export const secureStorageProvider = makeProvider();
