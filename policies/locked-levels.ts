/**
 * Locked policies (public access, encryption) stay mandatory however levels reach the pack: a
 * `--policy-pack-config` file, a config passed by CI, or Pulumi Cloud policy config. The engine
 * hands the pack its levels in one `Configure` call; @pulumi/policy has no hook there, so its
 * handler is wrapped where the analyzer registers it, and a lowering fails the run before any
 * resource is checked, with the policy named.
 */
import * as path from "node:path";
import { LOCKED_GUARDS, type StoragePolicy } from "./policy";

interface ConfigureCall {
  request: { getPolicyconfigMap(): { entries(): Iterable<[string, { getEnforcementlevel(): number }]> } };
}
type Callback = (err: { code: number; details: string } | null, res?: unknown) => void;
interface ServiceImpl {
  configure?: (call: ConfigureCall, callback: Callback) => unknown;
  [rpc: string]: unknown;
}
interface GrpcModule {
  status: { INVALID_ARGUMENT: number };
  Server: { prototype: { addService(service: unknown, impl: ServiceImpl): void } };
}

/** The refusal for levels the engine configured, or undefined when no locked policy is lowered. */
export function loweredLockRefusal(catalog: StoragePolicy[], levels: Record<string, string>): string | undefined {
  const lowered = catalog
    // remediate is mandatory plus a fix: only advisory and disabled lower a locked policy.
    .filter((p) => LOCKED_GUARDS.includes(p.guard) && (levels[p.name] === "advisory" || levels[p.name] === "disabled"))
    .map((p) => `${p.name}=${levels[p.name]}`);
  if (!lowered.length) return undefined;
  return `refused: ${LOCKED_GUARDS.join(" and ")} policies are mandatory in every stack; this config lowers ${lowered.join(", ")}`;
}

/** Install the guard; call before the PolicyPack is constructed (it starts the analyzer server). */
export function refuseLoweredLocks(catalog: StoragePolicy[]): void {
  const policyDir = path.dirname(require.resolve("@pulumi/policy"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })) as GrpcModule;
  const { convertEnforcementLevel } = require(path.join(policyDir, "protoutil")) as { convertEnforcementLevel(l: number): string };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, impl) {
    const configure = impl.configure;
    if (!configure) return addService.call(this, service, impl);
    const guarded: ServiceImpl = {
      ...impl,
      configure(call, callback) {
        const levels: Record<string, string> = {};
        for (const [name, c] of call.request.getPolicyconfigMap().entries()) levels[name] = convertEnforcementLevel(c.getEnforcementlevel());
        const refusal = loweredLockRefusal(catalog, levels);
        if (refusal) return callback({ code: grpc.status.INVALID_ARGUMENT, details: refusal });
        return configure.call(this, call, callback);
      },
    };
    return addService.call(this, service, guarded);
  };
}
