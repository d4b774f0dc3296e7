import { describe, expect, it } from "vitest";
import { decryptAdminPayload, encryptAdminPayload } from "../../components/minio/admin-crypto";

describe("MinIO admin payload encryption", () => {
  it("round-trips payloads of one and several 16 KiB fragments", async () => {
    for (const size of [0, 1, 16384, 16385, 50_000]) {
      const data = Buffer.alloc(size, 7);
      const sealed = encryptAdminPayload("pw-123456789", data);
      expect(sealed[32]).toBe(0x02); // PBKDF2 + AES-GCM
      expect(sealed.length).toBe(41 + size + 16 * Math.max(1, Math.ceil(size / 16384)));
      expect((await decryptAdminPayload("pw-123456789", sealed)).equals(data)).toBe(true);
    }
  });

  it("fails on a wrong password or a flipped bit", async () => {
    const sealed = encryptAdminPayload("right-password", '{"secretKey":"x"}');
    await expect(decryptAdminPayload("wrong-password", sealed)).rejects.toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    await expect(decryptAdminPayload("right-password", tampered)).rejects.toThrow();
  });

  it("does not contain the plaintext", () => {
    const sealed = encryptAdminPayload("pw", "super-secret-value");
    expect(sealed.includes(Buffer.from("super-secret-value"))).toBe(false);
  });
});

describe("MinIO api config parsing", () => {
  it("reads the origin list, quoted or not, without the no-browser marker", async () => {
    const { parseCorsOrigins } = await import("../../components/minio/identity-impl");
    expect(parseCorsOrigins("api requests_max=0 cors_allow_origin=https://a.example,http://localhost:3000 list_quorum=strict")).toEqual([
      "https://a.example",
      "http://localhost:3000",
    ]);
    expect(parseCorsOrigins('api cors_allow_origin="https://a.example" x=1')).toEqual(["https://a.example"]);
    expect(parseCorsOrigins("api cors_allow_origin=https://no-cors.invalid")).toEqual([]);
    expect(parseCorsOrigins("api cors_allow_origin=*")).toEqual(["*"]);
  });
});
