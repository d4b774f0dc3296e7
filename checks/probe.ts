/** What every prober shares: how a probe becomes a report row, and the CORS preflight probes. */
import type { CorsRule } from "../components/spec";
import type { HttpResponse } from "../lib/http";
import { judged, skipped, type ProbeResult } from "./report";

export interface Outcome {
  status: number;
  note?: string;
  /** Overrides the default judgement (allow = 2xx, deny = one of the denied statuses). */
  ok?: boolean;
  /** Replaces "<status> <note>" in the report. */
  seen?: string;
  /** Why the row passed or failed, when the default wording ("refused (403)", ...) says too little. */
  reason?: string;
}

/** A probe that sent no request: it is reported as skipped with this reason, never as passed. */
export interface Skip {
  skip: string;
}

const isSkip = (r: Outcome | Skip): r is Skip => "skip" in r;

export type RecordProbe = (
  key: string,
  probe: string,
  expect: ProbeResult["expect"],
  fn: () => Promise<Outcome | Skip>,
) => Promise<void>;

export const EVIL_ORIGIN = "https://evil.example";

export const isAllowed = (status: number): boolean => status >= 200 && status < 300;

/**
 * A `record` that appends rows for `bucket` to `rows`. `denied` are the statuses that mean the
 * server refused on authorization; any other error is not a denial.
 */
export function recorder(rows: ProbeResult[], bucket: string, denied: number[]): RecordProbe {
  const statuses = denied.join("/");
  const because = (expect: ProbeResult["expect"], pass: boolean): string => {
    if (expect === "allow") return pass ? "granted (2xx)" : "expected 2xx";
    if (expect === "deny") return pass ? `refused (${statuses})` : `expected a refusal (${statuses})`;
    return pass ? "kept within the grant" : "escaped the grant";
  };
  return async (key, probe, expect, fn) => {
    const base = { bucket, key, probe, expect };
    const start = Date.now();
    let r: Outcome | Skip;
    try {
      r = await fn();
    } catch (e) {
      const seen = `error: ${(e as Error).message.split("\n")[0].slice(0, 80)}`;
      rows.push(judged(base, "fail", seen, "the request did not complete", Date.now() - start));
      return;
    }
    if (isSkip(r)) return void rows.push(skipped(base, r.skip));
    const seen = r.seen ?? `${r.status}${r.note ? ` ${r.note}` : ""}`;
    const pass = r.ok ?? (expect === "allow" ? isAllowed(r.status) : denied.includes(r.status));
    rows.push(judged(base, pass ? "pass" : "fail", seen, r.reason ?? because(expect, pass), Date.now() - start));
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
