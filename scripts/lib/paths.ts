/**
 * Where the project and its per-clone files are, and the one reader of `.local/*.env` files.
 * Kept free of heavy imports: scripts that only drive the CLI (backend.ts) start in a second, not
 * the several the Automation API costs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const LOCAL = path.join(ROOT, ".local");

/** Load KEY=VALUE lines (e.g. .local/minio.env) into process.env without printing them or overriding the shell. */
export function loadEnvFile(file: string): void {
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}
