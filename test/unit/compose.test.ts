/** docker-compose.yml cannot run here; keep it consistent with scripts/services.sh instead. */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const compose = parse(fs.readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, { command: string; env_file?: string }> };
const script = fs.readFileSync("scripts/services.sh", "utf8");
const defaultPort = (name: string) => Number(new RegExp(`${name}="\\$\\{${name}:-(\\d+)\\}"`).exec(script)![1]);

describe("docker-compose.yml matches npm run services", () => {
  it.each([
    ["minio", "MINIO_PORT"],
    ["minio-tls", "MINIO_TLS_PORT"],
    ["azurite", "AZURITE_PORT"],
    ["gcs", "GCS_PORT"],
  ])("%s listens on the script's port", (svc, variable) => {
    expect(compose.services[svc].command).toContain(String(defaultPort(variable)));
  });

  it("has exactly the script's services", () => {
    const all = /^ALL=\(([^)]*)\)/m.exec(script)![1].split(/\s+/);
    expect(Object.keys(compose.services).sort()).toEqual(all.sort());
  });

  it("Azurite uses the generated account key, never the public default one", () => {
    expect(compose.services.azurite.env_file).toBe(".local/azurite.env");
    expect(script).toContain('source "$SS_LOCAL/azurite.env"');
  });

  it("MinIO reads the same env file (root credentials, KMS key) as the script", () => {
    expect(compose.services.minio.env_file).toBe(".local/minio.env");
    expect(script).toContain('source "$SS_LOCAL/minio.env"');
  });
});
