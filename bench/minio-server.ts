/**
 * The benchmark's own MinIO: same binary and flags as scripts/services.sh, but on port 9100 with
 * a throwaway data directory, so the shared dev server on 9000 (and its server-wide CORS list)
 * is never touched. Started and stopped by the benchmark itself, by pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface BenchMinio {
  endpoint: string;
  dataDir: string;
  version: string;
  stop(): Promise<void>;
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/minio/health/live`)).ok;
  } catch {
    return false;
  }
}

/** Start `minio server` on 127.0.0.1:`port`; env must hold MINIO_ROOT_USER/PASSWORD and MINIO_KMS_SECRET_KEY. */
export async function startBenchMinio(port: number, version: string): Promise<BenchMinio> {
  if (await portTaken(port)) throw new Error(`port ${port} is already taken; stop whatever runs there (the benchmark never reuses a server it did not start)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "secure-storage-bench-minio-"));
  const log = fs.openSync(path.join(dataDir, "..", `${path.basename(dataDir)}.log`), "w");
  const child: ChildProcess = spawn("minio", ["server", "--quiet", "--address", `127.0.0.1:${port}`, dataDir], {
    env: { ...process.env, MINIO_BROWSER: "off", MINIO_UPDATE: "off", MINIO_CALLHOME_ENABLE: "off" },
    stdio: ["ignore", log, log],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on("exit", () => (exited = true));
  const stop = async () => {
    if (!exited && child.pid) {
      child.kill("SIGTERM");
      for (let i = 0; i < 40 && !exited; i++) await new Promise((r) => setTimeout(r, 250));
      if (!exited) child.kill("SIGKILL");
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(`${dataDir}.log`, { force: true });
  };
  for (let i = 0; i < 120; i++) {
    if (exited) break;
    if (await healthy(endpoint)) return { endpoint, dataDir, version, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`MinIO did not become healthy on ${endpoint}`);
}
