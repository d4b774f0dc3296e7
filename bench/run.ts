/**
 * npm run bench [-- --quick] [--reps N] [--parallel P] [--eval N] [--out FILE]
 *
 * Deploy, preview, no-op, destroy and rotation timings of the real program with the real Pulumi
 * CLI on a MinIO of its own (port 9100, throwaway data dir; the shared dev server on 9000 is never
 * touched), the same work done directly through the MinIO APIs as a lower bound, `verify` at the
 * largest size, and program evaluation under mocks. Writes the figures to docs/BENCHMARKS.md.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { MinioAdminClient, type AdminCredentials } from "../components/minio/admin-client";
import { s3ClientFor } from "../components/minio/s3-client";
import { verifyContract } from "../checks/verify";
import { LOCAL, ROOT, loadEnvFile } from "../scripts/lib/workspace";
import { CheckpointWatch, type CheckpointWrites } from "./checkpoint-watch";
import { DirectMinio } from "./direct";
import { measureLarge } from "./large";
import { LegacyCheckout } from "./legacy";
import { startBenchMinio, type BenchMinio } from "./minio-server";
import { BenchStack, forgetBenchStack } from "./pulumi-ops";
import { mergeDocument, renderFigures, targets, type RunFigures, type Samples } from "./report";
import { currentRow, stateSize } from "./state-size";
import { formatMs, formatTarget, parseBenchArgs, touched } from "./stats";
import { bucketNames, kmsKeyName, stackConfig, type MinioTarget } from "./workload";

const PORT = 9100;
const HELP = `Usage: npm run bench -- [options]
  --quick                 1 and 10 buckets only, 1 repetition (writes .local/bench/BENCHMARKS-quick.md unless --out)
  --reps N                repetitions per measurement, the median is reported (default 3)
  --sizes 1,10,100        stack sizes in buckets (the largest also runs verify and rotation)
  --parallel P            Pulumi engine parallelism (default: the CLI's own, 4 x CPUs)
  --direct-concurrency C  buckets handled at once by the direct lower bound (default 8, like the CLI)
  --eval N                buckets for the evaluation under mocks (default 1000)
  --large N               one more stack of N buckets: up, no-op up, destroy once (default 1000; 0 = none,
                          the default with --quick)
  --large-budget MIN      minutes the large up or destroy may take before it is interrupted (default 10)
  --before COMMIT         also deploy the largest size with that commit's own program (a git worktree):
                          the "before" column, e.g. the dynamic-provider types of acc9d4a
  --out FILE              where to write the figures (default docs/BENCHMARKS.md)
  --help                  this text
Starts its own MinIO on 127.0.0.1:${PORT} (never the dev server on 9000), uses stacks named bench-*,
and destroys and removes them and stops that MinIO at the end. A full run takes several minutes.`;

const started = Date.now();
const log = (msg: string) => {
  const s = Math.round((Date.now() - started) / 1000);
  console.log(`[bench ${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}] ${msg}`);
};

const changesText = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "nothing";

function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).split("\n")[0].trim();
  } catch {
    return "unknown";
  }
}

function minioVersion(): string {
  // Built from source (version DEVELOPMENT.GOGET): the Go module version is in the tool's cache path.
  const bin = execFileSync("bash", ["-c", "command -v minio"], { encoding: "utf8" }).trim();
  const m = /minio-(v[^/]+)\/bin\/minio$/.exec(bin);
  return m ? `github.com/minio/minio@${m[1]} (built from source)` : versionOf("minio", ["--version"]);
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(" / ");

interface PulumiYaml {
  runtime: { options: { nodeargs: string } };
}

async function evaluate(buckets: number, floor: boolean): Promise<{ ms: number; cpuMs: number; resources: number }> {
  // With the node flags the language host gives the program (Pulumi.yaml runtime.options.nodeargs).
  const nodeargs = String((parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as PulumiYaml).runtime.options.nodeargs);
  const args = [...nodeargs.split(/\s+/).filter(Boolean), path.join(__dirname, "eval-mocks.ts"), String(buckets), ...(floor ? ["--floor"] : [])];
  const out = execFileSync(process.execPath, args, {
    encoding: "utf8",
    cwd: ROOT,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as { ms: number; cpuMs: number; resources: number };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) return void console.log(HELP);
  loadEnvFile(path.join(LOCAL, "minio.env"));
  const admin: AdminCredentials = { accessKeyId: process.env.MINIO_ROOT_USER ?? "", secretAccessKey: process.env.MINIO_ROOT_PASSWORD ?? "" };
  if (!admin.accessKeyId || !admin.secretAccessKey) throw new Error("MINIO_ROOT_USER/MINIO_ROOT_PASSWORD missing: run npm run setup (writes .local/minio.env)");
  const kmsKeyId = kmsKeyName();

  const machine: RunFigures["machine"] = {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    pulumi: `${versionOf("pulumi", ["version"])} / ${require("@pulumi/pulumi/package.json").version}`,
    minio: minioVersion(),
    os: `${os.type()} ${os.release()}`,
    loadBefore: loadavg(),
    loadAfter: "",
  };
  log(`machine: ${machine.cpus}, ${machine.ramGiB} GiB, node ${machine.node}, pulumi ${machine.pulumi}, load ${machine.loadBefore}`);
  log(`sizes ${args.sizes.join(", ")} buckets x 2 keys, ${args.reps} repetition(s), parallel ${args.parallel ?? "CLI default"}`);

  const samples: Samples = {};
  const add = (k: string, ms: number) => (samples[k] ??= []).push(ms);
  const runId = Date.now().toString(36).slice(-5);
  const stacks: BenchStack[] = [];
  let minio: BenchMinio | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const s of stacks) {
        log(`cleanup: destroying and removing stack ${s.name}`);
        await s.remove();
      }
      for (const name of legacyStacks) {
        log(`cleanup: destroying and removing the "before" stack ${name}`);
        try {
          await legacy?.run(name, {}, ["destroy", "remove"]);
          forgetBenchStack(name);
        } catch {
          // best effort, like BenchStack.remove
        }
      }
      legacy?.remove();
      if (minio) {
        log(`cleanup: stopping the bench MinIO on ${minio.endpoint}`);
        await minio.stop();
      }
    })());
  process.once("SIGINT", () => {
    log("interrupted; cleaning up (press Ctrl-C again to abandon)");
    void cleanup().finally(() => process.exit(130));
  });

  const big = Math.max(...args.sizes);
  const figures: Partial<RunFigures> = { noopTouched: {}, resources: {}, state: {}, checkpoints: {} };
  const ckpt = (k: string, c: CheckpointWrites | undefined) => c && (figures.checkpoints![k] = c);
  let legacy: LegacyCheckout | undefined;
  const legacyStacks = new Set<string>();
  try {
    // Evaluation first: it needs no server and is the most sensitive to machine load.
    const ev = { buckets: args.evalBuckets, resources: 0, ms: [] as number[], cpuMs: [] as number[], floorMs: [] as number[], floorCpuMs: [] as number[] };
    for (let r = 1; r <= args.reps; r++) {
      const p = await evaluate(args.evalBuckets, false);
      const f = await evaluate(args.evalBuckets, true);
      ev.resources = p.resources;
      ev.ms.push(p.ms);
      ev.cpuMs.push(p.cpuMs);
      ev.floorMs.push(f.ms);
      ev.floorCpuMs.push(f.cpuMs);
      log(`evaluation of ${args.evalBuckets} buckets under mocks, rep ${r}/${args.reps}: program ${formatMs(p.ms)} (CPU ${formatMs(p.cpuMs)}), SDK floor ${formatMs(f.ms)} (CPU ${formatMs(f.cpuMs)})`);
    }
    figures.evaluation = ev;

    minio = await startBenchMinio(PORT, minioVersion());
    log(`bench MinIO up on ${minio.endpoint} (data in ${minio.dataDir})`);
    const target: MinioTarget = { endpoint: minio.endpoint, kmsKeyId };
    const conn = { endpoint: minio.endpoint, region: "us-east-1" };
    const s3 = s3ClientFor(conn, admin);
    const adminClient = new MinioAdminClient(conn, admin);

    for (const n of args.sizes) {
      const stack = new BenchStack(`bench-${runId}-${n}`, args.parallel);
      stacks.push(stack);
      for (let r = 1; r <= args.reps; r++) {
        const tag = `${n} bucket${n > 1 ? "s" : ""}, rep ${r}/${args.reps}`;
        await stack.open(stackConfig(n, target));
        const pv = await stack.preview();
        add(`pulumi:preview:${n}`, pv.ms);
        add(`auto:preview:${n}`, pv.autoMs);
        log(`${tag}: pulumi preview (empty) ${formatMs(pv.ms)} [${changesText(pv.changes)}]`);
        const up = await stack.up();
        add(`pulumi:up:${n}`, up.ms);
        add(`auto:up:${n}`, up.autoMs);
        ckpt(`up:${n}`, up.checkpoints);
        figures.resources![n] = touched(up.changes) + (up.changes.same ?? 0);
        if (r === 1) figures.state![n] = await stack.state();
        log(`${tag}: pulumi up (empty) ${formatMs(up.ms)} [${changesText(up.changes)}]`);
        const pn = await stack.preview();
        add(`pulumi:preview-noop:${n}`, pn.ms);
        add(`auto:preview-noop:${n}`, pn.autoMs);
        log(`${tag}: pulumi preview (no changes) ${formatMs(pn.ms)} [${changesText(pn.changes)}]`);
        const un = await stack.up();
        add(`pulumi:up-noop:${n}`, un.ms);
        add(`auto:up-noop:${n}`, un.autoMs);
        ckpt(`up-noop:${n}`, un.checkpoints);
        figures.noopTouched![n] = touched(un.changes);
        log(`${tag}: pulumi up (no changes) ${formatMs(un.ms)} [${changesText(un.changes)}]`);

        if (n === big) {
          const keys = Object.values(up.contract.buckets).reduce((k, b) => k + Object.keys(b.keys).length, 0);
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          const rows = await verifyContract(up.contract, admin);
          const vms = performance.now() - t0;
          const vcpu = process.cpuUsage(c0);
          add(`verify:${n}`, vms);
          add(`verify-cpu:${n}`, (vcpu.user + vcpu.system) / 1000);
          const failed = rows.filter((x) => !x.ok);
          figures.verify = { buckets: n, keys, probes: rows.length, failed: failed.length, concurrency: `all ${n} buckets at once, each bucket's probes in sequence` };
          log(`${tag}: verify ${formatMs(vms)}, client CPU ${formatMs((vcpu.user + vcpu.system) / 1000)} (${rows.length} probes, ${failed.length} failed)`);
          for (const x of failed.slice(0, 5)) log(`  FAIL ${x.bucket} ${x.key} ${x.probe}: ${x.seen}`);

          const [bucket] = bucketNames(n);
          await stack.open(stackConfig(n, target, { [bucket]: { app: { generation: 2 } } }));
          const bump = await stack.up();
          add(`pulumi:rotate-bump:${n}`, bump.ms);
          add(`auto:rotate-bump:${n}`, bump.autoMs);
          await stack.open(stackConfig(n, target, { [bucket]: { app: { generation: 2, retirePrevious: true } } }));
          const retire = await stack.up();
          add(`pulumi:rotate-retire:${n}`, retire.ms);
          add(`auto:rotate-retire:${n}`, retire.autoMs);
          figures.rotation = { bucket, key: "app", bumpTouched: touched(bump.changes), retireTouched: touched(retire.changes), bumpChanges: bump.changes, retireChanges: retire.changes };
          log(`${tag}: rotation of ${bucket}.app: bump up ${formatMs(bump.ms)} [${changesText(bump.changes)}], retire up ${formatMs(retire.ms)} [${changesText(retire.changes)}]`);
        }

        const d = await stack.destroy();
        add(`pulumi:destroy:${n}`, d.ms);
        add(`auto:destroy:${n}`, d.autoMs);
        ckpt(`destroy:${n}`, d.checkpoints);
        log(`${tag}: pulumi destroy ${formatMs(d.ms)} [${changesText(d.changes)}]`);

        if (n === big) {
          // The profiled cause of slow up/destroy: the engine rewrites the whole state after every
          // resource step. Same operations without intermediate checkpoints, for comparison only.
          process.env.PULUMI_SKIP_CHECKPOINTS = "true";
          try {
            const upNc = await stack.up();
            add(`pulumi:up-nocheckpoint:${n}`, upNc.ms);
            add(`auto:up-nocheckpoint:${n}`, upNc.autoMs);
            const dNc = await stack.destroy();
            add(`pulumi:destroy-nocheckpoint:${n}`, dNc.ms);
            add(`auto:destroy-nocheckpoint:${n}`, dNc.autoMs);
            log(`${tag}: with PULUMI_SKIP_CHECKPOINTS=true: up ${formatMs(upNc.ms)} [${changesText(upNc.changes)}], destroy ${formatMs(dNc.ms)} [${changesText(dNc.changes)}]`);
          } finally {
            delete process.env.PULUMI_SKIP_CHECKPOINTS;
          }
        }

        const direct = new DirectMinio(s3, adminClient, kmsKeyId, n, `direct-${runId}-${n}`, args.directConcurrency);
        const time = async (k: string, fn: () => Promise<unknown>) => {
          const t = performance.now();
          await fn();
          const ms = performance.now() - t;
          add(`direct:${k}:${n}`, ms);
          return ms;
        };
        const plan = await time("plan", () => direct.plan());
        const create = await time("create", () => direct.create());
        const reconcile = await time("reconcile", async () => {
          const drift = await direct.reconcile();
          if (drift) throw new Error(`direct reconcile found ${drift} difference(s) right after create`);
        });
        const rotate = n === big ? await time("rotate", () => direct.rotateOne()) : NaN;
        const destroy = await time("destroy", () => direct.destroy());
        log(
          `${tag}: direct plan ${formatMs(plan)}, create ${formatMs(create)}, reconcile ${formatMs(reconcile)}` +
            `${n === big ? `, rotate ${formatMs(rotate)}` : ""}, destroy ${formatMs(destroy)}`,
        );

        const before = args.before;
        if (n === big && before) {
          // The same workload through the program of an earlier commit, in the same run: "before".
          legacy ??= LegacyCheckout.create(before);
          const name = `bench-${runId}-before-${n}-${r}`;
          legacyStacks.add(name);
          const watched = async (k: string, ops: Array<"up" | "destroy" | "remove">) => {
            const watch = CheckpointWatch.forStack(process.env.PULUMI_BACKEND_URL, "secure-storage", name);
            watch?.start();
            const [res] = await legacy!.run(name, stackConfig(n, target), ops);
            const c = watch?.stop();
            if (res.result !== "succeeded") throw new Error(`before: ${k} ${res.result}`);
            add(`before:${k}:${n}`, res.ms);
            ckpt(`before:${k}:${n}`, c);
            log(`${tag}: before (${before.slice(0, 7)}): ${k} ${formatMs(res.ms)} [${changesText(res.changes)}]`);
          };
          await watched("up", ["up"]);
          if (r === 1) {
            const exported = execFileSync("pulumi", ["stack", "export", "--stack", name], { cwd: path.join(LOCAL, "workspace"), encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
            figures.beforeState = stateSize(JSON.parse(exported).deployment, currentRow);
          }
          await watched("up-noop", ["up"]);
          await watched("destroy", ["destroy", "remove"]);
          forgetBenchStack(name);
          legacyStacks.delete(name);
        }
      }
    }

    if (args.large > 0) {
      const n = args.large;
      log(`large run: ${n} buckets, up/destroy budget ${args.largeBudgetMin} min each`);
      const stack = new BenchStack(`bench-${runId}-${n}`, args.parallel);
      stacks.push(stack);
      await stack.open(stackConfig(n, target));
      const direct = new DirectMinio(s3, adminClient, kmsKeyId, n, `direct-${runId}-${n}`, args.directConcurrency);
      figures.large = await measureLarge(stack, direct, n, args.largeBudgetMin, log);
    }
  } finally {
    await cleanup();
  }

  machine.loadAfter = loadavg();
  const run: RunFigures = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    reps: args.reps,
    sizes: args.sizes,
    parallel: args.parallel ? String(args.parallel) : `CLI default (${4 * os.cpus().length} = 4 × CPUs)`,
    directConcurrency: args.directConcurrency,
    machine,
    samples,
    resources: figures.resources!,
    rotation: figures.rotation!,
    noopTouched: figures.noopTouched!,
    verify: figures.verify!,
    evaluation: figures.evaluation!,
    state: figures.state!,
    checkpoints: figures.checkpoints!,
    ...(args.before ? { before: { commit: args.before, buckets: big }, beforeState: figures.beforeState } : {}),
    ...(figures.large ? { large: figures.large } : {}),
  };
  const out = path.resolve(ROOT, args.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, mergeDocument(renderFigures(run), fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined));
  fs.mkdirSync(path.join(LOCAL, "bench"), { recursive: true });
  fs.writeFileSync(path.join(LOCAL, "bench", "last-run.json"), `${JSON.stringify(run, null, 2)}\n`);
  for (const t of targets(run)) log(`target ${formatTarget(t).join(" | ")}`);
  log(`wrote ${path.relative(ROOT, out)} (raw figures in .local/bench/last-run.json)`);
}

main().catch((e: Error) => {
  console.error(`bench failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
