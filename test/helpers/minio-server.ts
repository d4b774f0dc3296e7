/**
 * A MinIO owned by one test file: its own port and data dir under .local/, the root credentials
 * and KMS key of .local/minio.env, so it can be killed with SIGKILL and restarted on the same
 * port and data without touching the shared MinIO of `npm run services`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { LOCAL, loadEnvFile } from "../../scripts/lib/workspace";

const MINIO_ENV = ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_KMS_SECRET_KEY"] as const;

/** A port in [from, from + span) that nothing listens on right now. */
export async function freePort(from = 9100, span = 800): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = from + Math.floor(Math.random() * span);
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${from + span - 1} after 50 tries`);
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

export class MinioServer {
  readonly dataDir: string;
  readonly logFile: string;
  private proc?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    readonly port: number,
    name: string,
  ) {
    this.dataDir = path.join(LOCAL, "data", name);
    this.logFile = path.join(LOCAL, "run", `${name}.log`);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    // A signalled process has no exit code, only a signal code.
    return this.proc && this.proc.exitCode === null && this.proc.signalCode === null ? this.proc.pid : undefined;
  }

  /** The KMS key name (before the colon of MINIO_KMS_SECRET_KEY): what `storage:minio.kmsKeyId` takes. */
  static kmsKeyName(): string {
    loadEnvFile(path.join(LOCAL, "minio.env"));
    const name = process.env.MINIO_KMS_SECRET_KEY?.split(":")[0];
    if (!name) throw new Error("MINIO_KMS_SECRET_KEY missing from .local/minio.env; run npm run setup");
    return name;
  }

  /** Start (or restart on the same port and data) and wait until the health endpoint answers. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.pid) throw new Error(`MinIO on port ${this.port} is already running (pid ${this.pid})`);
    loadEnvFile(path.join(LOCAL, "minio.env"));
    const missing = MINIO_ENV.filter((v) => !process.env[v]);
    if (missing.length) throw new Error(`${missing.join(", ")} missing from .local/minio.env; run npm run setup`);
    fs.mkdirSync(this.dataDir, { recursive: true });
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.openSync(this.logFile, "a");
    const env = { ...process.env, MINIO_BROWSER: "off", MINIO_UPDATE: "off", MINIO_CALLHOME_ENABLE: "off" };
    const proc = spawn("minio", ["server", "--quiet", "--address", `127.0.0.1:${this.port}`, this.dataDir], {
      env,
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    const spawnError = new Promise<Error>((resolve) => proc.once("error", resolve));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await answers(`${this.endpoint}/minio/health/live`, 1000)) return;
      const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(r, 200, undefined))]);
      if (failed) throw new Error(`minio did not start: ${failed.message} (is it built? npm run setup)`);
      if (proc.exitCode !== null) break;
    }
    await this.kill();
    throw new Error(`MinIO on port ${this.port} did not become healthy in ${timeoutMs} ms; log: ${this.logFile}`);
  }

  /** SIGKILL and wait for the process to be gone: no shutdown, no flush. */
  async kill(): Promise<void> {
    if (!this.pid) return;
    this.proc!.kill("SIGKILL");
    await this.exited;
  }

  /** Graceful stop (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    if (!this.pid) return;
    this.proc!.kill("SIGTERM");
    const timer = setTimeout(() => this.proc?.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Remove the data dir, and the log unless `keepLog` (worth reading after a failure). */
  removeData(keepLog = false): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    if (!keepLog) fs.rmSync(this.logFile, { force: true });
  }
}
