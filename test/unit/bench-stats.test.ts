import { describe, expect, it } from "vitest";
import { formatMs, formatRatio, formatTarget, markdownTable, median, meets, parseBenchArgs, touched } from "../../bench/stats";
import { bucketNames, expectedResources, kmsKeyName, stackConfig } from "../../bench/workload";
import { MARKER, mergeDocument } from "../../bench/report";
import { parseStackConfig } from "../../stacks/config";

describe("bench stats", () => {
  it("median of odd and even counts, unsorted input left alone", () => {
    const xs = [30, 10, 20];
    expect(median(xs)).toBe(20);
    expect(xs).toEqual([30, 10, 20]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/no values/);
  });

  it("formats times, ratios and tables", () => {
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(1234)).toBe("1.23 s");
    expect(formatMs(123_456)).toBe("123.5 s");
    expect(formatMs(NaN)).toBe("n/a");
    expect(formatRatio(30, 10)).toBe("3.0×");
    expect(formatRatio(30, 0)).toBe("n/a");
    expect(markdownTable(["a", "b"], [["1", "x|y"]])).toBe("| a | b |\n| --- | --- |\n| 1 | x\\|y |");
    expect(() => markdownTable(["a", "b"], [["1"]])).toThrow(/row 0 has 1 cells, expected 2/);
  });

  it("targets: strict and inclusive limits", () => {
    const t = { name: "preview", value: 10_000, limit: 10_000, op: "lt" as const, unit: "ms" as const };
    expect(meets(t)).toBe(false);
    expect(meets({ ...t, op: "le" })).toBe(true);
    expect(formatTarget({ ...t, value: 9_000 })).toEqual(["preview", "< 10.00 s", "9.00 s", "met"]);
    expect(formatTarget({ name: "touched", value: 4, limit: 3, op: "le", unit: "count" })).toEqual(["touched", "≤ 3", "4", "MISSED"]);
  });

  it("counts touched resources without `same`", () => {
    expect(touched({ create: 1, same: 600, delete: 2 })).toBe(3);
    expect(touched({ same: 5 })).toBe(0);
    expect(touched(undefined)).toBe(0);
  });

  it("parses arguments", () => {
    expect(parseBenchArgs([])).toMatchObject({ reps: 3, sizes: [1, 10, 100], quick: false, out: "docs/BENCHMARKS.md" });
    expect(parseBenchArgs(["--quick"])).toMatchObject({ reps: 1, sizes: [1, 10], out: ".local/bench/BENCHMARKS-quick.md" });
    expect(parseBenchArgs(["--quick", "--reps", "2", "--out", "x.md"])).toMatchObject({ reps: 2, out: "x.md" });
    expect(parseBenchArgs(["--sizes", "100,1,100", "--parallel", "16"])).toMatchObject({ sizes: [1, 100], parallel: 16 });
    expect(() => parseBenchArgs(["--reps", "0"])).toThrow(/--reps: expected a whole number >= 1, got "0"/);
    expect(() => parseBenchArgs(["--reps"])).toThrow(/got nothing/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown argument "--fast"/);
    expect(parseBenchArgs([])).toMatchObject({ large: 1000, largeBudgetMin: 10 });
    expect(parseBenchArgs([]).before).toBeUndefined();
    expect(parseBenchArgs(["--quick"])).toMatchObject({ large: 0 });
    expect(parseBenchArgs(["--quick", "--large", "50", "--large-budget", "2"])).toMatchObject({ large: 50, largeBudgetMin: 2 });
    expect(parseBenchArgs(["--before", "acc9d4a"])).toMatchObject({ before: "acc9d4a" });
    expect(() => parseBenchArgs(["--before", "--quick"])).toThrow(/--before: expected a commit hash/);
  });
});

describe("bench workload", () => {
  it("builds valid stack config with two keys per bucket and a rotation override", () => {
    expect(bucketNames(3)).toEqual(["b000", "b001", "b002"]);
    expect(bucketNames(1001)[1000]).toBe("b1000");
    const raw = stackConfig(3, { endpoint: "http://127.0.0.1:9100", kmsKeyId: "k" }, { b001: { app: { generation: 2 } } });
    const parsed = parseStackConfig({ buckets: raw["storage:buckets"], minio: raw["storage:minio"] });
    expect(Object.keys(parsed.spec.buckets)).toEqual(["b000", "b001", "b002"]);
    expect(parsed.spec.buckets.b000.keys.app).toMatchObject({ generation: 1, prefixes: ["data/"], access: ["read", "write", "delete", "list"] });
    expect(parsed.spec.buckets.b001.keys.app.generation).toBe(2);
    expect(parsed.spec.buckets.b001.keys.reader).toMatchObject({ generation: 1, access: ["read", "list"] });
    expect(expectedResources(100)).toBe(402); // per bucket: component, bucket, 2 keys
  });

  it("reads only the KMS key name, never the key", () => {
    expect(kmsKeyName({ MINIO_KMS_SECRET_KEY: "dev-sse-key:c2VjcmV0" })).toBe("dev-sse-key");
    expect(() => kmsKeyName({})).toThrow(/MINIO_KMS_SECRET_KEY must be set/);
  });
});

describe("bench report", () => {
  it("keeps the hand-written notes below the marker and replaces the figures", () => {
    const old = `# Benchmarks\nold figures\n\n${MARKER}\n\n## Profiling notes\nbefore/after\n`;
    const doc = mergeDocument("# Benchmarks\nnew figures\n", old);
    expect(doc).toContain("new figures");
    expect(doc).not.toContain("old figures");
    expect(doc.endsWith(`${MARKER}\n\n## Profiling notes\nbefore/after\n`)).toBe(true);
    expect(mergeDocument("# B\n", undefined)).toContain(`${MARKER}\n\n## Profiling notes`);
  });
});

describe("state size", () => {
  it("sums the exported state's bytes by type", async () => {
    const { stateSize, formatBytes } = await import("../../bench/state-size");
    const bucket = { type: "secure-storage:minio:Bucket", custom: true, outputs: { bucket: "b" } };
    const component = { type: "secure-storage:minio:PrivateBucket", custom: false };
    const stackRes = { type: "pulumi:pulumi:Stack", custom: false };
    const s = stateSize({ resources: [bucket, bucket, component, stackRes] });
    expect(s.resources).toBe(4);
    expect(s.byType.find((t) => t.type === "secure-storage:minio:Bucket")).toEqual({ type: "secure-storage:minio:Bucket", count: 2, bytes: 2 * JSON.stringify(bucket).length });
    const rows = s.byType.map((t) => t.type).sort();
    expect(rows).toEqual(["pulumi:pulumi:Stack", "secure-storage:minio:Bucket", "secure-storage:minio:PrivateBucket"]);
    expect(s.totalBytes).toBe(JSON.stringify({ resources: [bucket, bucket, component, stackRes] }).length);
    expect([formatBytes(999), formatBytes(2900), formatBytes(15_200_000)]).toEqual(["999 B", "2.9 KB", "15.2 MB"]);
  });

  it("counts an earlier commit's component, under its bucket's token then, on today's component row", async () => {
    const { currentRow, stateSize } = await import("../../bench/state-size");
    const bucket = { type: "secure-storage:b2:Bucket", custom: true, outputs: { bucketName: "b" } };
    const component = { type: "secure-storage:b2:Bucket", custom: false };
    const s = stateSize({ resources: [bucket, component] }, currentRow);
    expect(s.byType.map((t) => [t.type, t.count, t.bytes])).toEqual([
      ["secure-storage:b2:Bucket", 1, JSON.stringify(bucket).length],
      ["secure-storage:b2:PrivateBucket", 1, JSON.stringify(component).length],
    ]);
  });
});
