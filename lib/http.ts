/** A minimal HTTP client over node:http(s) that can trust a private CA (no global agent tweaks). */
import * as http from "node:http";
import * as https from "node:https";
import { assertTlsVerification, explainTlsError } from "./tls";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** PEM bundle of the CAs to trust instead of the system ones (private-CA deployments). */
  caBundle?: string;
  timeoutMs?: number;
}

export function request(req: HttpRequest): Promise<HttpResponse> {
  const mod = req.url.protocol === "https:" ? https : http;
  const timeout = req.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    assertTlsVerification(); // throwing here rejects the promise
    const r = mod.request(
      req.url,
      {
        method: req.method,
        headers: {
          ...(req.body !== undefined ? { "content-length": String(Buffer.byteLength(req.body)) } : {}),
          ...req.headers,
        },
        ...(req.url.protocol === "https:" && req.caBundle ? { ca: req.caBundle } : {}),
        timeout,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`timed out after ${timeout} ms: ${req.method} ${req.url.origin}`)));
    r.on("error", (e) => reject(explainTlsError(e, req.url.origin)));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}
