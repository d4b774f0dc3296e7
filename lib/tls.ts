/**
 * TLS is always verified. These helpers turn Node's terse certificate errors into ones that say
 * what to fix, and refuse to run when verification has been switched off process-wide.
 * The checker and the application helper must not depend on a provider adapter for this, so it
 * lives here; components/minio re-exports it.
 */
const CERT_ERRORS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: "its certificate chain ends in a CA that is not trusted",
  DEPTH_ZERO_SELF_SIGNED_CERT: "it presents a self-signed certificate that is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its certificate's issuer is not in the trusted CA bundle",
  CERT_HAS_EXPIRED: "its certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "its certificate does not name this host",
};

export class TlsVerificationError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "TlsVerificationError";
  }
}

/** A clearer error for a certificate failure talking to `endpoint`, or the error unchanged. */
export function explainTlsError(e: unknown, endpoint: string): unknown {
  const code = (e as { code?: string })?.code ?? "";
  const why = CERT_ERRORS[code];
  if (!why) return e;
  return new TlsVerificationError(
    `TLS verification failed for ${endpoint}: ${why} (${code}). Give the CA that signed the server certificate ` +
      "as the bucket's caBundle (storage:minio.caBundle or storage:minio.caBundleFile); " +
      "verification cannot be turned off.",
    code,
  );
}

/** Refuse to talk to storage when Node's certificate verification is disabled for the process. */
export function assertTlsVerification(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === "0") {
    throw new TlsVerificationError(
      "NODE_TLS_REJECT_UNAUTHORIZED=0 is set: storage is never accessed without TLS verification. " +
        "Unset it and trust the private CA with storage:minio.caBundleFile.",
      "VERIFICATION_DISABLED",
    );
  }
}
