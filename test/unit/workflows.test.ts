/** CI hygiene the README promises: pinned actions, explicit least-privilege permissions, no stored cloud keys. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv(); // actionlint from the cached tools
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

  it("preview, drift and deploy run the Pulumi CLI through pulumi/actions with the policy pack", () => {
    type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
    const pulumiStep = (f: string) => {
      const wf = parse(text(path.join(dir, "workflows", f))) as { jobs: Record<string, { steps: Step[] }> };
      const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
      expect(steps.some((st) => /npm run (deploy|preview|refresh)/.test(st.run ?? "")), f).toBe(false);
      const step = steps.find((st) => st.uses?.startsWith("pulumi/actions@"));
      expect(step, f).toBeDefined();
      expect(step!.with!.policyPacks).toBe("policies");
      expect(String(step!.with!.policyPackConfigs)).toMatch(/^policies\/config\.(prod|\$\{\{ matrix\.stack \}\})\.json$/);
      return step!.with!;
    };
    expect(pulumiStep("preview.yml")).toMatchObject({ command: "preview", "comment-on-pr": true, diff: true });
    expect(pulumiStep("drift.yml")).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    expect(pulumiStep("deploy.yml")).toMatchObject({ command: "up", "stack-name": "prod" });
  });

  it("deploy proves prod with verify --strict (a skipped probe fails the deploy) and keeps the JUnit report", () => {
    type Step = { name?: string; run?: string };
    const wf = parse(text(path.join(dir, "workflows", "deploy.yml"))) as { jobs: Record<string, { steps: Step[] }> };
    const verify = Object.values(wf.jobs).flatMap((j) => j.steps).find((st) => /npm run verify/.test(st.run ?? ""));
    expect(verify?.run).toMatch(/--stack prod\b/);
    expect(verify?.run).toMatch(/--strict\b/);
    expect(verify?.run).toMatch(/--junit verify-junit\.xml/);
  });

  it("actionlint passes on every workflow", () => {
    const r = spawnSync("actionlint", fs.readdirSync(path.join(dir, "workflows")).map((f) => path.join(dir, "workflows", f)), { encoding: "utf8" });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  it("the test workflow runs .ci/run, which runs the README's test command", () => {
    expect(text(path.join(dir, "workflows", "test.yml"))).toMatch(/run: \.ci\/run/);
    expect(fs.readFileSync(path.join(__dirname, "..", "..", ".ci", "run"), "utf8")).toMatch(/npm test/);
  });
});
