/**
 * Upload-limit probes: uploads signed by client/presign.ts must be refused by the server itself
 * when they break the bucket's `uploads` rule (size, type, place, expiry).
 */
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import type { BucketContract, StaticKeyContract } from "../components/contract";
import { bucketClient, postFormBody, presignPost, presignPut } from "../client/presign";
import { expectedUploadRule } from "./upload-rule";
import { request } from "../lib/http";
import type { RecordProbe } from "./probe";

/** Above this, the oversize probe would move too many bytes for a routine verify; it is skipped. */
const OVERSIZE_PROBE_LIMIT = 32 * 1024 * 1024;

const refused = (status: number) => status === 400 || status === 403;
const errorCode = (body: Buffer) => /<Code>([^<]+)<\/Code>/.exec(body.toString("utf8"))?.[1] ?? "";

export async function probeUploads(b: BucketContract, name: string, k: StaticKeyContract, run: string, record: RecordProbe, onWritten: (key: string) => void) {
  if (!k.access.includes("write") || !b.uploads?.length || b.provider === "azure") return;
  const prefix = `${k.prefixes[0] ?? ""}${run}/`;
  const rule = expectedUploadRule(b, prefix);
  if (!rule) return;
  const type = rule.contentTypes[0];
  const send = async (post: { url: string; fields: { [f: string]: string } }, body: Buffer, fields: { [f: string]: string } = {}) => {
    const form = postFormBody({ fields: { ...post.fields, ...fields } }, body);
    const r = await request({ method: "POST", url: new URL(post.url), body: form.body, headers: { "content-type": form.contentType }, caBundle: b.caBundle });
    return { status: r.status, note: errorCode(r.body) };
  };
  const denied = (r: { status: number; note: string }) => ({ ...r, ok: refused(r.status) });

  if (b.provider !== "b2") {
    const post = await presignPost(b, k, { keyPrefix: prefix, contentType: type });
    await record(name, `POST ${type}, ${rule.maxBytes} B limit`, "allow", async () => {
      const r = await send(post, Buffer.alloc(1024, 1), { key: `${prefix}ok.bin` });
      if (r.status < 300) onWritten(`${prefix}ok.bin`);
      return r;
    });
    await record(name, `POST maxBytes + 1 (${rule.maxBytes + 1} B)`, "deny", async () =>
      rule.maxBytes > OVERSIZE_PROBE_LIMIT
        ? { skip: `maxBytes ${rule.maxBytes} is above the ${OVERSIZE_PROBE_LIMIT} B a routine verify uploads` }
        : denied(await send(post, Buffer.alloc(rule.maxBytes + 1, 2), { key: `${prefix}big.bin` })),
    );
    await record(name, "POST with a type other than the signed one", "deny", async () =>
      denied(await send(post, Buffer.from("<html>"), { key: `${prefix}type.bin`, "Content-Type": "text/html" })),
    );
    await record(name, "POST outside the signed key prefix", "deny", async () =>
      denied(await send(post, Buffer.from("x"), { key: `zz-outside-${run}/${name}-post.bin` })),
    );
    await record(name, "POST with an expired policy", "deny", async () => {
      const expired = await createPresignedPost(bucketClient(b, k.current), {
        Bucket: b.bucket,
        Key: `${prefix}\${filename}`,
        Conditions: [["content-length-range", 1, rule.maxBytes], ["eq", "$Content-Type", type]],
        Fields: { "Content-Type": type },
        Expires: -60,
      });
      return denied(await send(expired, Buffer.from("x"), { key: `${prefix}expired.bin` }));
    });
  }

  const body = Buffer.alloc(512, 3);
  const put = await presignPut(b, k, { objectKey: `${prefix}put.bin`, contentType: type, contentLength: body.length });
  await record(name, `PUT with signed type and length`, "allow", async () => {
    const r = await request({ method: "PUT", url: new URL(put.url), body, headers: put.headers, caBundle: b.caBundle });
    if (r.status < 300) onWritten(`${prefix}put.bin`);
    return { status: r.status };
  });
  await record(name, "PUT with a type other than the signed one", "deny", async () => {
    const r = await request({ method: "PUT", url: new URL(put.url), body, headers: { ...put.headers, "content-type": "text/html" }, caBundle: b.caBundle });
    return denied({ status: r.status, note: errorCode(r.body) });
  });
  await record(name, "PUT with more bytes than signed", "deny", async () => {
    const bigger = Buffer.alloc(body.length + 1, 3);
    const r = await request({ method: "PUT", url: new URL(put.url), body: bigger, headers: { ...put.headers, "content-length": String(bigger.length) }, caBundle: b.caBundle });
    return denied({ status: r.status, note: errorCode(r.body) });
  });
}
