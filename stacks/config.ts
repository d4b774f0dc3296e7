/** Read and validate the stack config before any resource is registered. */
import * as pulumi from "@pulumi/pulumi";
import { parseStorageSpec, SpecError, type StorageSpec } from "../components/spec";
import { MinioSettings } from "../components/minio/settings";
import { minioSpecProblems } from "../components/minio/capabilities";

export interface StackConfig {
  spec: StorageSpec;
  minio?: MinioSettings;
}

/** Parse raw config values (`storage:buckets`, `storage:minio`); throws SpecError naming every bad path. */
export function parseStackConfig(raw: { buckets: unknown; minio?: unknown }): StackConfig {
  const problems: string[] = [];
  let spec: StorageSpec | undefined;
  try {
    spec = parseStorageSpec({ buckets: raw.buckets });
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    problems.push(...e.problems);
  }
  let minio: MinioSettings | undefined;
  const usesMinio = spec ? Object.values(spec.buckets).some((b) => b.provider === "minio") : false;
  if (raw.minio !== undefined || usesMinio) {
    const parsed = MinioSettings.safeParse(raw.minio);
    if (parsed.success) minio = parsed.data;
    else if (raw.minio === undefined) problems.push("storage:minio: required when a bucket uses provider minio");
    else for (const i of parsed.error.issues) problems.push(`storage:minio${i.path.map((p) => `.${String(p)}`).join("")}: ${i.message}`);
  }
  for (const [logical, bucket] of Object.entries(spec?.buckets ?? {})) {
    if (bucket.provider === "minio") problems.push(...minioSpecProblems(logical, bucket));
  }
  if (problems.length || !spec) throw new SpecError(problems);
  return { spec, ...(minio ? { minio } : {}) };
}

export function readStackConfig(): StackConfig {
  const cfg = new pulumi.Config("storage");
  return parseStackConfig({ buckets: cfg.requireObject("buckets"), minio: cfg.getObject("minio") });
}
