/**
 * Client for the parts of MinIO's admin API (`/minio/admin/v3`) this project manages:
 * canned policies, users and their policy mapping, and the server's `api` config (CORS).
 * Requests are SigV4-signed with the admin credentials; secret-bearing bodies are encrypted
 * (admin-crypto.ts). Credentials come from the environment, never from resource inputs, so
 * they are not written to Pulumi state.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { decryptAdminPayload, encryptAdminPayload } from "./admin-crypto";
import { request, type HttpResponse } from "./http";

export type { AdminCredentials } from "../../lib/credentials";
import { adminCredentialsFromEnv, type AdminCredentials } from "../../lib/credentials";

export interface MinioConnection {
  /** `http://127.0.0.1:9000` or `https://minio.bank.internal:9443` */
  endpoint: string;
  region: string;
  caBundle?: string;
}

export class MinioAdminError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`MinIO admin ${operation} failed: HTTP ${status} ${code}${detail ? `: ${detail}` : ""}`);
    this.name = "MinioAdminError";
  }
}

export interface MinioUserInfo {
  /** Attached canned policies, comma-separated as MinIO stores them ("" when none). */
  policyName: string;
  status: string;
  /** Groups the user is a member of (their policies apply to the user too). */
  memberOf: string[];
}

export function isNoSuchUser(e: unknown): boolean {
  return e instanceof MinioAdminError && (e.status === 404 || e.code === "XMinioAdminNoSuchUser");
}

function userInfo(raw: unknown): MinioUserInfo {
  const r = (raw ?? {}) as { policyName?: string; status?: string; memberOf?: string[] | null };
  return { policyName: r.policyName ?? "", status: r.status ?? "", memberOf: r.memberOf ?? [] };
}

// The operator's admin pair from the environment, one definition for providers, checker and scripts.
export { adminCredentialsFromEnv } from "../../lib/credentials";

export class MinioAdminClient {
  private readonly signer: SignatureV4;

  constructor(
    private readonly conn: MinioConnection,
    private readonly creds: AdminCredentials = adminCredentialsFromEnv(),
  ) {
    this.signer = new SignatureV4({ credentials: creds, region: conn.region, service: "s3", sha256: Sha256 });
  }

  private async call(
    operation: string,
    method: string,
    path: string,
    query: Record<string, string>,
    body?: Buffer,
  ): Promise<HttpResponse> {
    const url = new URL(`/minio/admin/v3/${path}`, this.conn.endpoint);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const payload = body ?? Buffer.alloc(0);
    const signed = await this.signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { host: url.host, "content-length": String(payload.length) },
      body: payload,
    });
    const res = await request({ method, url, headers: signed.headers as Record<string, string>, body: payload, caBundle: this.conn.caBundle });
    if (res.status >= 300) {
      let code = "Error";
      let detail = res.body.toString("utf8").slice(0, 300);
      try {
        const parsed = JSON.parse(detail) as { Code?: string; Message?: string };
        code = parsed.Code ?? code;
        detail = parsed.Message ?? detail;
      } catch {
        /* non-JSON error body */
      }
      throw new MinioAdminError(operation, res.status, code, detail);
    }
    return res;
  }

  private encrypted(data: unknown): Buffer {
    return encryptAdminPayload(this.creds.secretAccessKey, typeof data === "string" ? data : JSON.stringify(data));
  }

  async putPolicy(name: string, document: string): Promise<void> {
    await this.call("add-canned-policy", "PUT", "add-canned-policy", { name }, Buffer.from(document));
  }

  /** The stored policy document, or undefined if there is none. */
  async getPolicy(name: string): Promise<string | undefined> {
    try {
      const res = await this.call("info-canned-policy", "GET", "info-canned-policy", { name, v: "2" });
      const info = JSON.parse(res.body.toString("utf8")) as { Policy?: unknown };
      return info.Policy === undefined ? res.body.toString("utf8") : JSON.stringify(info.Policy);
    } catch (e) {
      if (e instanceof MinioAdminError && (e.status === 404 || e.code === "XMinioAdminNoSuchPolicy")) return undefined;
      throw e;
    }
  }

  async deletePolicy(name: string): Promise<void> {
    try {
      await this.call("remove-canned-policy", "DELETE", "remove-canned-policy", { name });
    } catch (e) {
      if (e instanceof MinioAdminError && (e.status === 404 || e.code === "XMinioAdminNoSuchPolicy")) return;
      throw e;
    }
  }

  async putUser(accessKey: string, secretKey: string): Promise<void> {
    await this.call("add-user", "PUT", "add-user", { accessKey }, this.encrypted({ secretKey, status: "enabled" }));
  }

  async attachPolicy(accessKey: string, policyName: string): Promise<void> {
    await this.call("set-user-or-group-policy", "PUT", "set-user-or-group-policy", {
      policyName,
      userOrGroup: accessKey,
      isGroup: "false",
    });
  }

  /** A user's policy mapping, status and groups, or undefined when it does not exist. */
  async getUser(accessKey: string): Promise<MinioUserInfo | undefined> {
    try {
      const res = await this.call("user-info", "GET", "user-info", { accessKey });
      return userInfo(JSON.parse(res.body.toString("utf8")));
    } catch (e) {
      if (isNoSuchUser(e)) return undefined;
      throw e;
    }
  }

  /** Every internal user by access key (the reply is encrypted: it may carry secrets, which we drop). */
  async listUsers(): Promise<Map<string, MinioUserInfo>> {
    const res = await this.call("list-users", "GET", "list-users", {});
    const plain = (await decryptAdminPayload(this.creds.secretAccessKey, res.body)).toString("utf8");
    const parsed = JSON.parse(plain) as Record<string, unknown>;
    return new Map(Object.entries(parsed).map(([accessKey, info]) => [accessKey, userInfo(info)]));
  }

  /** Add or remove members; removing no members deletes an empty group. */
  async updateGroupMembers(group: string, members: string[], isRemove: boolean): Promise<void> {
    const body = Buffer.from(JSON.stringify({ group, members, isRemove }));
    await this.call("update-group-members", "PUT", "update-group-members", {}, body);
  }

  async removeUserFromGroup(accessKey: string, group: string): Promise<void> {
    await this.updateGroupMembers(group, [accessKey], true);
  }

  async deleteUser(accessKey: string): Promise<void> {
    try {
      await this.call("remove-user", "DELETE", "remove-user", { accessKey });
    } catch (e) {
      if (isNoSuchUser(e)) return;
      throw e;
    }
  }

  /** One config sub-system as MinIO prints it, e.g. `api requests_max=0 ... cors_allow_origin=https://a,https://b`. */
  async getConfig(subsys: string): Promise<string> {
    const res = await this.call("get-config-kv", "GET", "get-config-kv", { key: subsys });
    return (await decryptAdminPayload(this.creds.secretAccessKey, res.body)).toString("utf8");
  }

  /** Server-wide config, e.g. `api cors_allow_origin="https://a,https://b"`. */
  /** Whether the server's KMS has `keyId`: MinIO answers 200 with an error field when it does not. */
  async kmsKeyProblem(keyId: string): Promise<string | undefined> {
    const res = await this.call("kms-key-status", "GET", "kms/key/status", { "key-id": keyId });
    const status = JSON.parse(res.body.toString("utf8")) as { "encryption-error"?: string; "decryption-error"?: string };
    return status["encryption-error"] ?? status["decryption-error"];
  }

  async setConfig(kv: string): Promise<void> {
    await this.call("set-config-kv", "PUT", "set-config-kv", {}, this.encrypted(kv));
  }
}
