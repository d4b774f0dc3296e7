/** Pure helpers for the benchmark: medians, formatting, targets. Kept free of I/O so they are unit-tested. */

export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds as a short human figure: `850 ms`, `12.3 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 100_000 ? 2 : 1)} s`;
}

/** `12.3×`, or `n/a` when the lower bound is zero or missing. */
export function formatRatio(num: number, den: number): string {
  if (!Number.isFinite(num) || !Number.isFinite(den) || den <= 0) return "n/a";
  return `${(num / den).toFixed(1)}×`;
}

/** A GitHub-flavoured markdown table; cells are escaped for `|`. */
export function markdownTable(head: string[], rows: string[][]): string {
  for (const [i, r] of rows.entries()) {
    if (r.length !== head.length) throw new Error(`row ${i} has ${r.length} cells, expected ${head.length}`);
  }
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  const line = (cells: string[]) => `| ${cells.map(esc).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export interface Target {
  name: string;
  /** Measured figure (ms, ratio or count, per `unit`). */
  value: number;
  limit: number;
  /** `lt`: value < limit; `le`: value <= limit. */
  op: "lt" | "le";
  unit: "ms" | "ratio" | "count";
}

export function meets(t: Target): boolean {
  return t.op === "lt" ? t.value < t.limit : t.value <= t.limit;
}

export function formatTarget(t: Target): string[] {
  const fmt = (v: number) => (t.unit === "ms" ? formatMs(v) : t.unit === "ratio" ? `${v.toFixed(2)}×` : String(v));
  return [t.name, `${t.op === "lt" ? "<" : "≤"} ${fmt(t.limit)}`, fmt(t.value), meets(t) ? "met" : "MISSED"];
}

/** Resource operations an update performed, without `same` (what "touched" means for rotation). */
export function touched(changes: Record<string, number> | undefined): number {
  return Object.entries(changes ?? {})
    .filter(([op]) => op !== "same")
    .reduce((n, [, c]) => n + c, 0);
}

export interface Args {
  help: boolean;
  quick: boolean;
  reps: number;
  sizes: number[];
  /** `--parallel` for the Pulumi engine; undefined = the CLI default. */
  parallel?: number;
  /** Concurrency of the direct (no Pulumi) lower bound. */
  directConcurrency: number;
  evalBuckets: number;
  /** Buckets of the one-off large run (up, no-op up, destroy); 0 = none. */
  large: number;
  /** Minutes an up or destroy of the large run may take before it is interrupted. */
  largeBudgetMin: number;
  /** A commit whose own program measures the "before" figures at the largest size. */
  before?: string;
  out: string;
}

/**
 * Parse `--help --quick --reps N --sizes 1,10,100 --parallel P --direct-concurrency C --eval N
 * --large N --large-budget MIN --before COMMIT --out FILE` (no positionals).
 */
export function parseBenchArgs(argv: string[]): Args {
  const args: Args = {
    help: false,
    quick: false,
    reps: 3,
    sizes: [1, 10, 100],
    directConcurrency: 8,
    evalBuckets: 1000,
    large: 1000,
    largeBudgetMin: 10,
    out: "docs/BENCHMARKS.md",
  };
  let largeGiven = false;
  let repsGiven = false;
  let outGiven = false;
  let sizesGiven = false;
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag}: expected a whole number >= ${min}, got ${v === undefined ? "nothing" : JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "--quick":
        args.quick = true;
        break;
      case "--reps":
        args.reps = num(a, argv[++i], 1);
        repsGiven = true;
        break;
      case "--parallel":
        args.parallel = num(a, argv[++i], 1);
        break;
      case "--direct-concurrency":
        args.directConcurrency = num(a, argv[++i], 1);
        break;
      case "--eval":
        args.evalBuckets = num(a, argv[++i], 1);
        break;
      case "--sizes": {
        const v = argv[++i];
        const list = (v ?? "").split(",").map((x) => num(a, x, 1));
        args.sizes = [...new Set(list)].sort((x, y) => x - y);
        sizesGiven = true;
        break;
      }
      case "--large":
        args.large = num(a, argv[++i], 0);
        largeGiven = true;
        break;
      case "--large-budget":
        args.largeBudgetMin = num(a, argv[++i], 1);
        break;
      case "--before":
        if (!/^[0-9a-f]{7,40}$/i.test(argv[i + 1] ?? "")) throw new Error("--before: expected a commit hash");
        args.before = argv[++i];
        break;
      case "--out":
        if (!argv[i + 1]) throw new Error("--out: expected a file name");
        args.out = argv[++i];
        outGiven = true;
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)} (see --help)`);
    }
  }
  if (args.quick) {
    if (!sizesGiven) args.sizes = [1, 10];
    if (!repsGiven) args.reps = 1;
    if (!largeGiven) args.large = 0;
    // A quick run is a smoke test: it must not overwrite the committed figures unless asked to.
    if (!outGiven) args.out = ".local/bench/BENCHMARKS-quick.md";
  }
  return args;
}
