/** Test-side view of scripts/env.sh: the same PATH and Pulumi settings, computed once by bash. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export function loadProjectEnv(): void {
  if (process.env.SS_ROOT) return;
  const out = execFileSync("bash", ["-c", `source "${ROOT}/scripts/env.sh" && env -0`], { encoding: "utf8" });
  for (const entry of out.split("\0")) {
    const i = entry.indexOf("=");
    if (i > 0) process.env[entry.slice(0, i)] = entry.slice(i + 1);
  }
}
