/**
 * The V4 signed URL helper (service-account signing via @google-cloud/storage). The key is generated
 * here, the signature is verified here against a canonical request rebuilt from the URL: the URL is
 * what GCS would check, without a network.
 */
import { createHash, createVerify, generateKeyPairSync } from "node:crypto";
import { Storage } from "@google-cloud/storage";
import { describe, expect, it } from "vitest";
import { gcsSignedUrlFor, gcsV4SignedUrl } from "../../components/gcp/signed-url";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const SIGNER = "invoice-signer@acme-storage.iam.gserviceaccount.com";
const storage = new Storage({ projectId: "acme-storage", credentials: { client_email: SIGNER, private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() } });

/** Rebuild the V4 string-to-sign from the URL and check the RSA signature with the public key. */
function verifyV4(url: string, method: string, headers: Record<string, string>): boolean {
  const u = new URL(url);
  const raw = u.search.slice(1).split("&");
  const sig = raw.find((p) => p.startsWith("X-Goog-Signature="))!.split("=")[1];
  const query = raw.filter((p) => !p.startsWith("X-Goog-Signature=")).sort().join("&");
  const signed = decodeURIComponent(u.searchParams.get("X-Goog-SignedHeaders")!).split(";");
  const all: Record<string, string> = { host: u.host, ...headers };
  const canonicalHeaders = signed.map((h) => `${h}:${all[h]}\n`).join("");
  const canonical = [method, u.pathname, query, canonicalHeaders, signed.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const credential = u.searchParams.get("X-Goog-Credential")!;
  const scope = credential.slice(credential.indexOf("/") + 1);
  const toSign = ["GOOG4-RSA-SHA256", u.searchParams.get("X-Goog-Date"), scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  return createVerify("RSA-SHA256").update(toSign).verify(publicKey, Buffer.from(sig, "hex"));
}

describe("gcsV4SignedUrl", () => {
  it("signs a path-style GET for one object with the requested lifetime", async () => {
    const url = await gcsV4SignedUrl(storage, { bucket: "invoices-prod-0a1b2c", object: "invoices/2026/inv-1.pdf", action: "read", expiresSeconds: 3600 });
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe("https://storage.googleapis.com/invoices-prod-0a1b2c/invoices/2026/inv-1.pdf");
    expect(u.searchParams.get("X-Goog-Algorithm")).toBe("GOOG4-RSA-SHA256");
    expect(u.searchParams.get("X-Goog-Expires")).toBe("3600");
    expect(u.searchParams.get("X-Goog-Credential")).toMatch(new RegExp(`^${SIGNER}/\\d{8}/auto/storage/goog4_request$`));
    expect(verifyV4(url, "GET", {})).toBe(true);
    // Any change to what was signed breaks the signature.
    expect(verifyV4(url.replace("inv-1.pdf", "inv-2.pdf"), "GET", {})).toBe(false);
    expect(verifyV4(url, "PUT", {})).toBe(false);
  });

  it("signs the Content-Type into upload URLs", async () => {
    const url = await gcsV4SignedUrl(storage, { bucket: "b-0a1b2c", object: "invoices/x.pdf", action: "write", expiresSeconds: 900, contentType: "application/pdf" });
    expect(new URL(url).searchParams.get("X-Goog-SignedHeaders")).toBe("content-type;host");
    expect(verifyV4(url, "PUT", { "content-type": "application/pdf" })).toBe(true);
    expect(verifyV4(url, "PUT", { "content-type": "text/html" })).toBe(false);
  });

  it("refuses lifetimes beyond the V4 maximum, bad object names, and content types on downloads", async () => {
    const base = { bucket: "b-0a1b2c", object: "a/b", action: "read" as const };
    await expect(gcsV4SignedUrl(storage, { ...base, expiresSeconds: 604_801 })).rejects.toThrow(/at most 7 days/);
    await expect(gcsV4SignedUrl(storage, { ...base, expiresSeconds: 0 })).rejects.toThrow(/expiresSeconds/);
    await expect(gcsV4SignedUrl(storage, { ...base, object: "/a", expiresSeconds: 60 })).rejects.toThrow(/must be non-empty/);
    await expect(gcsV4SignedUrl(storage, { ...base, contentType: "text/plain", expiresSeconds: 60 })).rejects.toThrow(/only signed into write/);
  });

  it("gcsSignedUrlFor uses the contract's TTLs and refuses other providers", async () => {
    const contract = { provider: "gcp" as const, bucket: "b-0a1b2c", presign: { uploadSeconds: 900, downloadSeconds: 3600 } };
    const dl = new URL(await gcsSignedUrlFor(storage, contract, "invoices/x.pdf", "download"));
    const ul = new URL(await gcsSignedUrlFor(storage, contract, "invoices/x.pdf", "upload"));
    expect([dl.searchParams.get("X-Goog-Expires"), ul.searchParams.get("X-Goog-Expires")]).toEqual(["3600", "900"]);
    await expect(gcsSignedUrlFor(storage, { ...contract, provider: "aws" }, "x", "download")).rejects.toThrow(/expected "gcp"/);
  });
});
