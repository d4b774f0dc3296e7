/**
 * The project as it was at an earlier commit: a git worktree sharing this checkout's node_modules
 * and .local (workspace, passphrase, MinIO credentials, backend), whose own program deploys with
 * that commit's resource types. The benchmark's "before" figures and the migration test use it.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The last commit whose own resources are dynamic (`pulumi-nodejs:dynamic/...`). */
export const LEGACY_COMMIT = "acc9d4a8f593c1fd1b518a9f84a6a9193140433e";

const ROOT = path.resolve(__dirname, "..");

export interface LegacyOpResult {
  op: string;
  /** The CLI command's wall time (bench/cli-timer.ts); `remove`: the whole call. */
  ms: number;
  /** The Automation API call's, with what it runs after the command. */
  autoMs: number;
  result: string;
  changes: Record<string, number>;
}

export class LegacyCheckout {
  private constructor(readonly dir: string) {}

  static create(commit = LEGACY_COMMIT): LegacyCheckout {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ss-legacy-"));
    execFileSync("git", ["worktree", "add", "--detach", dir, commit], { cwd: ROOT, stdio: "ignore" });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    // This checkout's .local (passphrase, MinIO credentials, backend, ...), except the workspace:
    // the old openStack rewrites the workspace's Pulumi.yaml without the plugins section, which
    // would break every Automation API stack of this checkout running meanwhile.
    fs.mkdirSync(path.join(dir, ".local", "workspace"), { recursive: true });
    for (const entry of fs.readdirSync(path.join(ROOT, ".local"))) {
      if (entry !== "workspace") fs.symlinkSync(path.join(ROOT, ".local", entry), path.join(dir, ".local", entry));
    }
    return new LegacyCheckout(dir);
  }

  /**
   * `ops` (up, destroy, remove) in order on `stack` with `config`, by that commit's own code.
   * Asynchronous: the caller's event loop keeps running (the benchmark watches checkpoint writes).
   */
  async run(stack: string, config: Record<string, unknown>, ops: Array<"up" | "destroy" | "remove">): Promise<LegacyOpResult[]> {
    const configFile = path.join(this.dir, `config-${stack}.json`);
    fs.writeFileSync(configFile, JSON.stringify(config));
    const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
    const args = [path.join(__dirname, "legacy-op.ts"), this.dir, stack, configFile, ...ops];
    const { stdout } = await promisify(execFile)(tsx, args, {
      cwd: this.dir,
      env: process.env,
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    });
    // That commit's openStack makes the backend directory from the URL by hand, query and all.
    const stray = process.env.PULUMI_BACKEND_URL?.replace(/^file:\/\//, "");
    if (stray?.includes("?") && fs.existsSync(stray) && fs.readdirSync(stray).length === 0) fs.rmdirSync(stray);
    // The stack's file in the workspace holds its encryption salt: this checkout's openStack reuses it.
    const stackFile = `Pulumi.${stack}.yaml`;
    const mine = path.join(ROOT, ".local", "workspace", stackFile);
    const theirs = path.join(this.dir, ".local", "workspace", stackFile);
    if (!fs.existsSync(mine) && fs.existsSync(theirs)) {
      fs.mkdirSync(path.dirname(mine), { recursive: true });
      fs.copyFileSync(theirs, mine);
    }
    return stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as LegacyOpResult);
  }

  remove(): void {
    execFileSync("git", ["worktree", "remove", "--force", this.dir], { cwd: ROOT, stdio: "ignore" });
  }
}
