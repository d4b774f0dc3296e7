/**
 * MinIO's admin API encrypts request bodies that carry secrets (new users' secret keys,
 * server config). The wire format is: salt(32) | algorithm id(1) | nonce(8) | sio stream,
 * where the sio stream is AEAD fragments of 16 KiB plaintext each. We send the PBKDF2 +
 * AES-256-GCM variant (id 0x02) because Node has both natively; MinIO decrypts every id.
 * MinIO replies with Argon2id (ids 0x00 AES-GCM, 0x01 ChaCha20-Poly1305), which we read with
 * hash-wasm's Argon2id (Node 20 has no native one) using madmin's parameters.
 *
 * sio stream (github.com/secure-io/sio-go, MIT): the AEAD nonce is the 8-byte stream nonce
 * followed by a little-endian uint32 fragment counter. Counter 0 seals an empty message whose
 * tag becomes the associated data `flag | tag` of every fragment; flag is 0x00 for all but the
 * last fragment and 0x80 for the last. Fragments use counters 1, 2, ...
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes, type CipherGCMTypes } from "node:crypto";
import { argon2id } from "hash-wasm";

const ARGON2ID_AES_GCM = 0x00;
const ARGON2ID_CHACHA20 = 0x01;
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

type Aead = CipherGCMTypes | "chacha20-poly1305";

function open(key: Buffer, nonce: Buffer, sealed: Buffer, ad: Buffer, aead: Aead = "aes-256-gcm"): Buffer {
  const d = createDecipheriv(aead as CipherGCMTypes, key, nonce, { authTagLength: TAG });
  d.setAAD(ad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
}

function seal(key: Buffer, nonce: Buffer, plaintext: Buffer, ad: Buffer, aead: Aead = "aes-256-gcm"): Buffer {
  const c = createCipheriv(aead as CipherGCMTypes, key, nonce, { authTagLength: TAG });
  c.setAAD(ad);
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

function streamAd(key: Buffer, streamNonce: Buffer, aead: Aead = "aes-256-gcm"): Buffer {
  return Buffer.concat([Buffer.from([0x00]), seal(key, nonceFor(streamNonce, 0), Buffer.alloc(0), Buffer.alloc(0), aead)]);
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

/** madmin's Argon2id parameters: 1 pass, 64 MiB, 4 lanes, 32-byte key. */
async function argon2Key(password: string, salt: Buffer): Promise<Buffer> {
  const key = await argon2id({ password, salt, iterations: 1, memorySize: 64 * 1024, parallelism: 4, hashLength: 32, outputType: "binary" });
  return Buffer.from(key);
}

/** Decrypt an admin API payload: a server reply (Argon2id) or one we sealed (PBKDF2). */
export async function decryptAdminPayload(password: string, payload: Buffer): Promise<Buffer> {
  if (payload.length < 41 + TAG) throw new Error("admin payload too short");
  const salt = payload.subarray(0, 32);
  const id = payload[32];
  let key: Buffer;
  let aead: Aead = "aes-256-gcm";
  if (id === PBKDF2_AES_GCM) key = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, "sha256");
  else if (id === ARGON2ID_AES_GCM || id === ARGON2ID_CHACHA20) {
    key = await argon2Key(password, Buffer.from(salt));
    if (id === ARGON2ID_CHACHA20) aead = "chacha20-poly1305";
  } else throw new Error(`unsupported admin payload algorithm id ${id}`);
  const streamNonce = Buffer.from(payload.subarray(33, 41));
  const ad = streamAd(key, streamNonce, aead);
  const body = payload.subarray(41);
  const out: Buffer[] = [];
  const sealedSize = FRAGMENT + TAG;
  const fragments = Math.max(1, Math.ceil(body.length / sealedSize));
  for (let i = 0; i < fragments; i++) {
    const sealed = body.subarray(i * sealedSize, (i + 1) * sealedSize);
    const fragAd = Buffer.from(ad);
    if (i === fragments - 1) fragAd[0] = 0x80;
    out.push(open(key, nonceFor(streamNonce, i + 1), sealed, fragAd, aead));
  }
  return Buffer.concat(out);
}
