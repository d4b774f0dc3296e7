/**
 * The contract's prefix rule, stated here rather than taken from components/access.ts, so that
 * the checker and the application helper do not share a bug with the adapters that grant it:
 * a key with no prefixes covers the whole bucket, otherwise an object key must start with one.
 */
export function covers(key: { prefixes: readonly string[] }, objectKey: string): boolean {
  return key.prefixes.length === 0 || key.prefixes.some((p) => objectKey.startsWith(p));
}
