/**
 * MinIO access keys for scoped users. A key is `<label><hash><random>`, 20 characters (MinIO's
 * maximum). The label keeps `mc admin user list` readable; the hash of the slot and
 * generation makes every credential slot recognisable, so a create can find and remove users
 * an interrupted create of the same slot left behind; the random tail makes a re-created
 * credential a NEW access key id, so applications see the change instead of a silent secret swap.
 */
import { createHash, randomBytes } from "node:crypto";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MAX_ACCESS_KEY = 20;
const LABEL_CHARS = 4;
const HASH_CHARS = 8;

function alnum(bytes: Buffer, n: number): string {
  let out = "";
  for (let i = 0; out.length < n; i++) out += ALNUM[bytes[i] % ALNUM.length];
  return out;
}

/** The fixed start of every access key of one credential slot (`<stack-unique bucket>-<key name>`) and generation. */
export function accessKeyPrefix(label: string, slot: string, generation: number): string {
  const head = label
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, LABEL_CHARS);
  const hash = createHash("sha256").update(`${slot}\0g${generation}`).digest();
  return head + alnum(hash, HASH_CHARS);
}

/** A 20-character access key: `prefix` (sanitised, at most 12 characters) and random characters. */
export function newAccessKey(prefix: string): string {
  const head = prefix
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, LABEL_CHARS + HASH_CHARS);
  return head + alnum(randomBytes(MAX_ACCESS_KEY), MAX_ACCESS_KEY - head.length);
}

export function newSecretKey(): string {
  return randomBytes(30).toString("base64url"); // 40 chars, 240 bits
}
