import { describe, expect, it } from "vitest";
import { decryptAdminPayload, encryptAdminPayload } from "../../components/minio/admin-crypto";

describe("MinIO admin payload encryption", () => {
  it("round-trips payloads of one and several 16 KiB fragments", () => {
    for (const size of [0, 1, 16384, 16385, 50_000]) {
      const data = Buffer.alloc(size, 7);
      const sealed = encryptAdminPayload("pw-123456789", data);
      expect(sealed[32]).toBe(0x02); // PBKDF2 + AES-GCM
      expect(sealed.length).toBe(41 + size + 16 * Math.max(1, Math.ceil(size / 16384)));
      expect(decryptAdminPayload("pw-123456789", sealed).equals(data)).toBe(true);
    }
  });

  it("fails on a wrong password or a flipped bit", () => {
    const sealed = encryptAdminPayload("right-password", '{"secretKey":"x"}');
    expect(() => decryptAdminPayload("wrong-password", sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => decryptAdminPayload("right-password", tampered)).toThrow();
  });

  it("does not contain the plaintext", () => {
    const sealed = encryptAdminPayload("pw", "super-secret-value");
    expect(sealed.includes(Buffer.from("super-secret-value"))).toBe(false);
  });
});
