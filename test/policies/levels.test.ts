/** Enforcement levels: mandatory by default, dev's documented exceptions, locked public access and encryption. */
import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/all";
import {
  advisoryByDesign,
  configFile,
  DEV_EXCEPTIONS,
  parseLevelConfig,
  readLevelConfig,
  readPolicyConfig,
  shippedProfiles,
} from "../../policies/levels";
import { LOCKED_GUARDS } from "../../policies/policy";

const locked = catalog.filter((p) => LOCKED_GUARDS.includes(p.guard));
/** Policies that flag what a provider cannot express: advisory in code and in every shipped config. */
const byDesign = Object.keys(advisoryByDesign(catalog)).sort();

describe("enforcement levels", () => {
  it("every policy is mandatory unless config says otherwise, or it is advisory by design", () => {
    for (const p of catalog) {
      expect(p.policy.enforcementLevel, p.name).toBe(byDesign.includes(p.name) ? "advisory" : "mandatory");
    }
    const none = parseLevelConfig(catalog, {}, "none.json");
    expect(Object.keys(none).filter((n) => none[n] !== "mandatory").sort()).toEqual(byDesign);
  });

  it("advisory by design: the history gaps of issue 19 and infrastructure encryption, none locked, each with its reason", () => {
    expect(byDesign).toEqual([
      "azure-sas-blob-versions",
      "azure-storage-infrastructure-encryption",
      "b2-key-file-versions",
      "gcp-role-object-generations",
      "minio-policy-version-listing",
    ]);
    for (const name of byDesign) {
      const p = catalog.find((c) => c.name === name)!;
      expect(LOCKED_GUARDS, name).not.toContain(p.guard);
      expect(p.advisory, name).toMatch(/cannot express|replaces the account/);
    }
  });

  it("per-policy config: only declared properties, and a locked policy's config keeps it mandatory", () => {
    const prod = readPolicyConfig(configFile("prod"));
    for (const [name, props] of Object.entries(prod)) {
      const p = catalog.find((c) => c.name === name)!;
      const declared = Object.keys((p.policy as { configSchema?: { properties: object } }).configSchema?.properties ?? {});
      expect(Object.keys(props).filter((k) => !declared.includes(k)), name).toEqual([]);
    }
    expect(readLevelConfig(catalog, configFile("prod"))["azure-storage-network-default-deny"]).toBe("mandatory");
  });

  it("ships a prod and a dev config", () => {
    expect(shippedProfiles()).toEqual(["dev", "prod"]);
  });

  it("prod: everything mandatory but what is advisory by design", () => {
    const prod = readLevelConfig(catalog, configFile("prod"));
    expect(Object.entries(prod).filter(([, l]) => l !== "mandatory").map(([n]) => n).sort()).toEqual(byDesign);
    expect(Object.keys(prod).sort()).toEqual(catalog.map((p) => p.name).sort());
  });

  it("dev: exactly the documented exceptions and what is advisory by design are advisory, nothing is disabled", () => {
    const dev = readLevelConfig(catalog, configFile("dev"));
    const advisory = Object.entries(dev).filter(([, l]) => l === "advisory").map(([n]) => n).sort();
    expect(advisory).toEqual([...Object.keys(DEV_EXCEPTIONS), ...byDesign].sort());
    expect(Object.values(dev).filter((l) => l !== "advisory" && l !== "mandatory")).toEqual([]);
  });

  it("public access and encryption policies are mandatory in every shipped config", () => {
    expect(locked.length).toBeGreaterThanOrEqual(15);
    for (const profile of shippedProfiles()) {
      const levels = readLevelConfig(catalog, configFile(profile));
      for (const p of locked) expect(levels[p.name], `${profile}: ${p.name}`).toBe("mandatory");
    }
    for (const name of Object.keys(DEV_EXCEPTIONS)) expect(LOCKED_GUARDS).not.toContain(catalog.find((p) => p.name === name)!.guard);
  });

  it.each([
    [{ "aws-s3-public-access-block": "advisory" }, /config.x.json: "aws-s3-public-access-block": guards public-access, which is mandatory in every stack; "advisory" is not allowed/],
    [{ "minio-bucket-encryption": { enforcementLevel: "disabled" } }, /"minio-bucket-encryption": guards encryption.*"disabled" is not allowed/],
    [{ all: "advisory" }, /"all": would lower "aws-s3-no-public-acl" \(public-access\) to "advisory"/],
    [{ "no-such-policy": "advisory" }, /"no-such-policy": no such policy in this pack/],
    [{ "storage-no-force-destroy": "warn" }, /"storage-no-force-destroy": enforcement level must be one of/],
  ])("refuses %j", (raw, message) => {
    expect(() => parseLevelConfig(catalog, raw, "/x/config.x.json")).toThrow(message);
  });

  it("`all` applies first and per-policy entries override it, as the CLI does", () => {
    const levels = parseLevelConfig(catalog, { "storage-no-force-destroy": "advisory", all: "mandatory" }, "x.json");
    expect(levels["storage-no-force-destroy"]).toBe("advisory");
    expect(levels["aws-s3-versioning"]).toBe("mandatory");
  });
});
