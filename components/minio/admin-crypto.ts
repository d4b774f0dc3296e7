/**
 * MinIO's admin API encrypts request bodies that carry secrets (new users' secret keys,
 * server config). The wire format is: salt(32) | algorithm id(1) | nonce(8) | sio stream,
 * where the sio stream is AEAD fragments of 16 KiB plaintext each. We use the PBKDF2 +
 * AES-256-GCM variant (id 0x02) because Node has both natively; MinIO decrypts every id.
 *
 * sio stream (github.com/secure-io/sio-go, MIT): the AEAD nonce is the 8-byte stream nonce
 * followed by a little-endian uint32 fragment counter. Counter 0 seals an empty message whose
 * tag becomes the associated data `flag | tag` of every fragment; flag is 0x00 for all but the
 * last fragment and 0x80 for the last. Fragments use counters 1, 2, ...
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

const PBKDF2_AES_GCM = 0x02;
const PBKDF2_ITERATIONS = 8192;
const FRAGMENT = 1 << 14;
const TAG = 16;

function nonceFor(streamNonce: Buffer, counter: number): Buffer {
  const n = Buffer.alloc(12);
  streamNonce.copy(n, 0);
  n.writeUInt32LE(counter, 8);
  return n;
}

function seal(key: Buffer, nonce: Buffer, plaintext: Buffer, ad: Buffer): Buffer {
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(ad);
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

function open(key: Buffer, nonce: Buffer, sealed: Buffer, ad: Buffer): Buffer {
  const d = createDecipheriv("aes-256-gcm", key, nonce);
  d.setAAD(ad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
}

function streamAd(key: Buffer, streamNonce: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00]), seal(key, nonceFor(streamNonce, 0), Buffer.alloc(0), Buffer.alloc(0))]);
}

/** Encrypt `data` for the admin API with the caller's secret key as password. */
export function encryptAdminPayload(password: string, data: Buffer | string): Buffer {
  const plaintext = Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
  const salt = randomBytes(32);
  const streamNonce = randomBytes(8);
  const key = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, "sha256");
  const ad = streamAd(key, streamNonce);
  const parts: Buffer[] = [salt, Buffer.from([PBKDF2_AES_GCM]), streamNonce];
  const fragments = Math.max(1, Math.ceil(plaintext.length / FRAGMENT));
  for (let i = 0; i < fragments; i++) {
    const chunk = plaintext.subarray(i * FRAGMENT, (i + 1) * FRAGMENT);
    const last = i === fragments - 1;
    const fragAd = Buffer.from(ad);
    if (last) fragAd[0] = 0x80;
    parts.push(seal(key, nonceFor(streamNonce, i + 1), chunk, fragAd));
  }
  return Buffer.concat(parts);
}

/** Decrypt an admin API payload produced with the PBKDF2 variant (ours, or a server reply to a FIPS client). */
export function decryptAdminPayload(password: string, payload: Buffer): Buffer {
  if (payload.length < 41 + TAG) throw new Error("admin payload too short");
  const salt = payload.subarray(0, 32);
  const id = payload[32];
  if (id !== PBKDF2_AES_GCM) throw new Error(`unsupported admin payload algorithm id ${id} (only PBKDF2/AES-GCM is implemented)`);
  const streamNonce = payload.subarray(33, 41);
  const key = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, "sha256");
  const ad = streamAd(key, Buffer.from(streamNonce));
  const body = payload.subarray(41);
  const out: Buffer[] = [];
  const sealedSize = FRAGMENT + TAG;
  const fragments = Math.max(1, Math.ceil(body.length / sealedSize));
  for (let i = 0; i < fragments; i++) {
    const sealed = body.subarray(i * sealedSize, (i + 1) * sealedSize);
    const fragAd = Buffer.from(ad);
    if (i === fragments - 1) fragAd[0] = 0x80;
    out.push(open(key, nonceFor(Buffer.from(streamNonce), i + 1), sealed, fragAd));
  }
  return Buffer.concat(out);
}
