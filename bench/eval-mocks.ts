/**
 * Program evaluation under Pulumi mocks: the real stacks/index.ts program (config parsing, spec
 * validation, adapters, components) for N buckets, with no engine and no network. Runs in its own
 * process because mocks replace the runtime globally. Prints one JSON line:
 * `{"buckets":N,"resources":R,"ms":T,"cpuMs":C,"parseMs":P}` (wall and CPU time:
 * CPU time is the steadier figure on a shared machine).
 *
 * Usage: tsx bench/eval-mocks.ts <buckets> [--floor]
 * (`--floor`: the same number of bare resources, to separate the SDK's cost from ours)
 */
import * as pulumi from "@pulumi/pulumi";
import { stackConfig } from "./workload";

/**
 * The SDK's own floor for the same resource graph: per bucket one component holding three bare
 * custom resources, a bucket and two keys (no spec, no policy documents).
 */
class BareComponent extends pulumi.ComponentResource {
  constructor(name: string) {
    super("bench:index:Bucket", name, {});
    this.registerOutputs({});
  }
}
class BareResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

async function sdkFloor(n: number): Promise<void> {
  const outs: pulumi.Output<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const parent = new BareComponent(`b${i}`);
    const bucket = new BareResource("bench:index:R", `b${i}`, { bucket: `b${i}` }, { parent });
    for (const k of ["app", "reader"]) {
      const props = { slot: `b${i}-${k}`, accessKey: undefined };
      outs.push(new BareResource("bench:index:Key", `b${i}-${k}-g1`, props, { parent, dependsOn: [bucket] }).id);
    }
  }
  await new Promise<void>((resolve) => pulumi.all(outs).apply(() => resolve()));
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? "1000");
  const floor = process.argv[3] === "--floor";
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a bucket count, got ${JSON.stringify(process.argv[2])}`);
  let resources = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources++;
        const extra = args.type.endsWith(":Key") ? { accessKey: `AK${resources}`, secretKey: `SK${resources}` } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: () => ({}),
    },
    "secure-storage",
    "bench",
    false,
  );
  const config = stackConfig(n, { endpoint: "http://127.0.0.1:9100", kmsKeyId: "bench-key" });
  // Stack config reaches the program as JSON strings, as the engine passes it.
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)])));
  const { storageFromConfig: program } = await import("../stacks/program");
  // As the entry (stacks/index.ts) runs it; SECURE_STORAGE_STACK_TRACES=1 measures the cost of traces.
  (await import("../stacks/stack-traces")).leanStackTraces();
  const { parseStackConfig } = await import("../stacks/config");

  const p0 = performance.now();
  parseStackConfig({ buckets: config["storage:buckets"], minio: config["storage:minio"] });
  const parseMs = performance.now() - p0;

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (floor) {
    await sdkFloor(n);
  } else {
    const { storage } = program();
    // Done when the whole contract (every bucket and credential output) has resolved.
    await new Promise<void>((resolve) => pulumi.output(storage).apply(() => resolve()));
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ buckets: n, resources, ms: Math.round(ms), cpuMs: Math.round(cpuMs), parseMs: Math.round(parseMs) }));
}

main().catch((e: Error) => {
  console.error(`eval-mocks failed: ${e.message}`);
  process.exit(1);
});
