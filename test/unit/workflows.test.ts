/** CI hygiene the README promises: pinned actions, explicit least-privilege permissions, no stored cloud keys. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const dir = path.join(__dirname, "..", "..", ".github");
const files = [
  ...fs.readdirSync(path.join(dir, "workflows")).map((f) => path.join(dir, "workflows", f)),
  path.join(dir, "actions", "setup", "action.yml"),
];
const text = (f: string) => fs.readFileSync(f, "utf8");

describe("GitHub workflows", () => {
  it("exist for test, preview, deploy, drift and rotation", () => {
    expect(fs.readdirSync(path.join(dir, "workflows")).sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml", "rotate.yml", "test.yml"]);
  });

  it.each(files)("%s pins every action to a full version", (f) => {
    const uses = [...text(f).matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]).filter((u) => !u.startsWith("./"));
    for (const u of uses) expect(u, u).toMatch(/@v\d+\.\d+\.\d+$/);
  });

  it.each(files.filter((f) => f.includes("workflows")))("%s declares top-level permissions and never write-all", (f) => {
    const wf = parse(text(f)) as { permissions?: Record<string, string> | string };
    expect(typeof wf.permissions).toBe("object");
    expect(JSON.stringify(wf.permissions)).not.toMatch(/write-all/);
  });

  it("cloud access goes through OIDC, not stored AWS/Azure/GCP keys", () => {
    for (const f of files) {
      expect(text(f)).not.toMatch(/AWS_SECRET_ACCESS_KEY|AZURE_CLIENT_SECRET|credentials_json|GOOGLE_CREDENTIALS/);
      if (/configure-aws-credentials|azure\/login|google-github-actions\/auth/.test(text(f))) expect(text(f)).toMatch(/id-token: write/);
    }
  });

  it("the test workflow runs .ci/run, which runs the README's test command", () => {
    expect(text(path.join(dir, "workflows", "test.yml"))).toMatch(/run: \.ci\/run/);
    expect(fs.readFileSync(path.join(__dirname, "..", "..", ".ci", "run"), "utf8")).toMatch(/npm test/);
  });
});
