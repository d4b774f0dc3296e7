/** What every prober shares: how a probe becomes a report row, and the CORS preflight probes. */
import type { HttpResponse } from "../components/minio/http";
import type { CorsRule } from "../components/spec";
import type { ProbeResult } from "./report";

export interface Outcome {
  status: number;
  note?: string;
  /** Overrides the default judgement (allow = 2xx, deny = one of the denied statuses). */
  ok?: boolean;
  /** Replaces "<status> <note>" in the report, for a row whose request was never sent. */
  seen?: string;
}

export type RecordProbe = (key: string, probe: string, expect: ProbeResult["expect"], fn: () => Promise<Outcome>) => Promise<void>;

export const EVIL_ORIGIN = "https://evil.example";

export const isAllowed = (status: number): boolean => status >= 200 && status < 300;

/**
 * A `record` that appends rows for `bucket` to `rows`. `denied` are the statuses that mean the
 * server refused on authorization; any other error is not a denial.
 */
export function recorder(rows: ProbeResult[], bucket: string, denied: number[]): RecordProbe {
  return async (key, probe, expect, fn) => {
    const start = Date.now();
    let seen: string;
    let ok: boolean;
    try {
      const r = await fn();
      seen = r.seen ?? `${r.status}${r.note ? ` ${r.note}` : ""}`;
      ok = r.ok ?? (expect === "allow" ? isAllowed(r.status) : denied.includes(r.status));
    } catch (e) {
      seen = `error: ${(e as Error).message.split("\n")[0].slice(0, 80)}`;
      ok = false;
    }
    rows.push({ bucket, key, probe, expect, seen, ok, ms: Date.now() - start });
  };
}

/** An S3 SDK call reduced to the HTTP status the server answered (200 when it succeeded). */
export async function sdkStatus(call: Promise<unknown>): Promise<{ status: number }> {
  try {
    await call;
    return { status: 200 };
  } catch (e) {
    return { status: (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0 };
  }
}

/** Listed origins get their own origin back; a foreign one gets neither itself nor `*`. */
export async function probeCorsPreflights(record: RecordProbe, cors: CorsRule[], preflight: (origin: string) => Promise<HttpResponse>): Promise<void> {
  for (const origin of [...new Set(cors.flatMap((r) => r.origins))].filter((o) => o !== "*")) {
    await record("(browser)", `CORS preflight from ${origin}`, "allow", async () => {
      const r = await preflight(origin);
      const acao = r.headers["access-control-allow-origin"];
      return { status: r.status, note: `ACAO=${acao ?? "none"}`, ok: acao === origin };
    });
  }
  await record("(browser)", `CORS preflight from ${EVIL_ORIGIN}`, "deny", async () => {
    const r = await preflight(EVIL_ORIGIN);
    const acao = r.headers["access-control-allow-origin"];
    return { status: r.status, note: `ACAO=${acao ?? "none"}`, ok: acao !== EVIL_ORIGIN && acao !== "*" };
  });
}
