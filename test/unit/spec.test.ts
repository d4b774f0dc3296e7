import { describe, expect, it } from "vitest";
import { parseStorageSpec, SpecError } from "../../components/spec";

const ok = { buckets: { uploads: { provider: "minio", keys: { backend: { access: ["read"], prefixes: ["users/"], generation: 1 } } } } };

function problems(raw: unknown): string[] {
  try {
    parseStorageSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).problems;
  }
  throw new Error("expected a SpecError");
}

describe("storage spec", () => {
  it("applies secure defaults", () => {
    const spec = parseStorageSpec(ok);
    const b = spec.buckets.uploads;
    expect(b.versioning).toBe(true);
    expect(b.encryption).toEqual({ kind: "managed" });
    expect(b.forceDestroy).toBe(false);
    expect(b.presign).toEqual({ uploadSeconds: 900, downloadSeconds: 3600 });
    expect(b.keys.backend.retirePrevious).toBe(false);
  });

  it("names the config path and the rule for a bad prefix", () => {
    const raw = structuredClone(ok);
    raw.buckets.uploads.keys.backend.prefixes = ["users"];
    expect(problems(raw)).toEqual(['storage:buckets.uploads.keys.backend.prefixes[0]: must end with "/"']);
  });

  it("rejects unknown fields so typos cannot weaken security", () => {
    const raw = { buckets: { uploads: { provider: "minio", versoning: false } } };
    expect(problems(raw)).toEqual(['storage:buckets.uploads: unknown field(s) "versoning"']);
  });

  it.each([
    [{ access: ["read"], prefixes: ["../x/"], generation: 1 }, "prefixes[0]", '"." or ".."'],
    [{ access: ["read"], prefixes: ["u*/"], generation: 1 }, "prefixes[0]", "no wildcards"],
    [{ access: [], generation: 1 }, "access", "at least one"],
    [{ access: ["admin"], generation: 1 }, "access[0]", ""],
    [{ access: ["read"], generation: 0 }, "generation", ">= 1"],
    [{ access: ["read"], generation: 1, retirePrevious: true }, "retirePrevious", "no previous generation"],
    [{ access: ["read", "read"], generation: 1 }, "access", "repeat"],
    [{ access: ["read"], prefixes: ["a/", "a/b/"], generation: 1 }, "prefixes", "already covered"],
  ])("rejects key %j at %s", (key, at, words) => {
    const p = problems({ buckets: { uploads: { provider: "minio", keys: { backend: key } } } });
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]).toContain(`storage:buckets.uploads.keys.backend.${at}:`);
    expect(p[0]).toContain(words);
  });

  it("refuses a key named like another key's generation (app and app-g2), and only that", () => {
    const key = { access: ["read"], generation: 1 };
    const p = problems({ buckets: { uploads: { provider: "minio", keys: { app: key, "app-g2": key } } } });
    expect(p).toEqual([
      'storage:buckets.uploads.keys.app-g2: reads as a generation of key "app" (its credentials are named "<bucket>-app-g<N>"); rename it',
    ]);
    expect(() => parseStorageSpec({ buckets: { uploads: { provider: "minio", keys: { "app-g2": key, g2: key, "app-gx": key } } } })).not.toThrow();
  });

  it("refuses CORS * with write methods, and presign TTLs beyond SigV4's 7 days", () => {
    const p = problems({
      buckets: {
        b1: { provider: "aws", cors: [{ origins: ["*"], methods: ["PUT"] }], presign: { uploadSeconds: 604801 } },
      },
    });
    expect(p).toContain('storage:buckets.b1.presign.uploadSeconds: must be at most 604800 (7 days, the SigV4 maximum)');
    const p2 = problems({ buckets: { b1: { provider: "aws", cors: [{ origins: ["*"], methods: ["PUT"] }] } } });
    expect(p2).toEqual(['storage:buckets.b1.cors[0].origins: must not be "*" when write methods (PUT, POST, DELETE) are allowed']);
  });

  it("rejects bad logical names and providers", () => {
    const p = problems({ buckets: { Bad_Name: { provider: "dropbox" } } });
    expect(p.join("\n")).toMatch(/storage:buckets\.Bad_Name/);
    // The name's rule, not zod's "Invalid key in record".
    expect(problems({ buckets: { Bad_Name: { provider: "minio" } } })).toEqual([
      "storage:buckets.Bad_Name: name must be 2-32 chars of a-z, 0-9 and '-', starting with a letter",
    ]);
    expect(problems({ buckets: { ok: { provider: "minio", keys: { "x.y": { access: ["read"], generation: 1 } } } } })).toEqual([
      "storage:buckets.ok.keys.x.y: name must be 2-32 chars of a-z, 0-9 and '-', starting with a letter",
    ]);
  });

  it("requires versioning with object lock", () => {
    const p = problems({ buckets: { b1: { provider: "minio", versioning: false, objectLock: { mode: "GOVERNANCE", days: 1 } } } });
    expect(p).toEqual(["storage:buckets.b1.versioning: must be true when objectLock is set"]);
  });
});

describe("upload rules in the spec", () => {
  const problemsOf = (uploads: unknown) => {
    try {
      parseStorageSpec({ buckets: { b1: { provider: "minio", uploads } } });
      return [];
    } catch (e) {
      return (e as SpecError).problems;
    }
  };
  it("accepts the clinic rule", () => {
    expect(problemsOf([{ prefix: "workspaces/", maxBytes: 10485760, contentTypes: ["image/jpeg", "application/pdf"] }])).toEqual([]);
  });
  it.each([
    [[{ maxBytes: 0, contentTypes: ["image/png"] }], "storage:buckets.b1.uploads[0].maxBytes: must be at least 1"],
    [[{ maxBytes: 6 * 1024 ** 3, contentTypes: ["image/png"] }], "storage:buckets.b1.uploads[0].maxBytes: must be at most 5368709120 (5 GiB, the single-request upload limit)"],
    [[{ maxBytes: 10, contentTypes: ["png"] }], 'storage:buckets.b1.uploads[0].contentTypes[0]: must be a MIME type such as "image/png" (lowercase, no parameters or wildcards)'],
    [[{ maxBytes: 10, contentTypes: ["image/*"] }], 'storage:buckets.b1.uploads[0].contentTypes[0]: must be a MIME type such as "image/png" (lowercase, no parameters or wildcards)'],
    [[{ maxBytes: 10, contentTypes: [] }], "storage:buckets.b1.uploads[0].contentTypes: must list at least one content type"],
    [[{ maxBytes: 10, contentTypes: ["a/b"] }, { maxBytes: 5, contentTypes: ["a/c"] }], "storage:buckets.b1.uploads[1].prefix: only one rule may omit prefix"],
    [[{ maxBytes: 10, contentTypes: ["a/b", "a/b"] }], "storage:buckets.b1.uploads[0].contentTypes: must not repeat a content type"],
  ])("refuses %j", (uploads, problem) => {
    expect(problemsOf(uploads)).toEqual([problem]);
  });
});
