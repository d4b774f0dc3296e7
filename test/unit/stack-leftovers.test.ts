import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  fileBackendDir,
  fileBackendUrl,
  knownStacks,
  liveStacks,
  pruneRemovedStacks,
  removeStackLeftovers,
  stacksToPrune,
} from "../../scripts/lib/stack-leftovers";

// A stacks-directory listing as the DIY backend leaves it.
const files = [
  "dev.json", "dev.json.attrs", "dev.json.bak", "dev.json.bak.attrs", // live: its .bak is its backup
  "old.json.bak", "old.json.bak.attrs", // removed before the run
  "e2eabc.json.bak", "e2eabc.json.bak.attrs", // created and removed by the run
  "fltx-clikill.json.bak.18ed3651144de15e.tmp", // a killed CLI's temp file only
  "benchz.json.zst.bak", "benchz.json.zst.bak.attrs",
  "tlsnew.json", "tlsnew.json.attrs", "tlsnew.json.bak", // created by the run, still there
  "cliy.json.gz", "cliy.json.gz.bak", // live, compressed
];

describe("stack leftovers", () => {
  it("live stacks are those with a state file, compressed or not", () => {
    expect([...liveStacks(files)].sort()).toEqual(["cliy", "dev", "tlsnew"]);
  });

  it("prunes only stacks that neither existed before nor exist after", () => {
    const before = new Set(["dev", "old", "cliy"]);
    const after = new Set(["dev", "tlsnew", "cliy"]);
    expect(stacksToPrune(before, after, files, ["e2eabc", "ckptq", "dev", "old"])).toEqual([
      "benchz", "ckptq", "e2eabc", "fltx-clikill",
    ]);
  });

  it("never prunes a pre-existing or still-existing stack, even when a set or the listing misses it", () => {
    const all = ["dev", "old", "tlsnew", "cliy", "gone"];
    const pruned = stacksToPrune(new Set(["old"]), new Set(["gone"]), files, all);
    for (const kept of ["old", "gone", "dev", "tlsnew", "cliy"]) expect(pruned).not.toContain(kept);
  });

  it("writes the local backend URL without sidecars, and reads its directory back", () => {
    expect(fileBackendUrl("/srv/state")).toBe("file:///srv/state?metadata=skip");
    expect(fileBackendDir(fileBackendUrl("/srv/state"))).toBe("/srv/state");
  });

  it("acts only on file:// URLs with an absolute path", () => {
    expect(fileBackendDir("file:///work/main/.local/state")).toBe("/work/main/.local/state");
    expect(fileBackendDir("file:///srv/state?no_tmp_dir=true")).toBe("/srv/state");
    expect(fileBackendDir("file://~/state")).toBeUndefined();
    expect(fileBackendDir("file://relative")).toBeUndefined();
    expect(fileBackendDir("s3://bucket")).toBeUndefined();
    expect(fileBackendDir("")).toBeUndefined();
  });

  it("removes a removed stack's files and directories, leaves live and pre-existing stacks alone", () => {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "leftovers-"));
    try {
      const p = path.join(backend, ".pulumi");
      const stacks = path.join(p, "stacks", "secure-storage");
      const dirs = ["backups/secure-storage", "history/secure-storage", "locks/organization/secure-storage"];
      fs.mkdirSync(stacks, { recursive: true });
      for (const f of files) fs.writeFileSync(path.join(stacks, f), "{}");
      const old = new Date(Date.now() - 3_600_000);
      fs.utimesSync(path.join(stacks, "fltx-clikill.json.bak.18ed3651144de15e.tmp"), old, old);
      for (const d of dirs) {
        for (const n of ["dev", "old", "e2eabc", "tlsnew"]) fs.mkdirSync(path.join(p, d, n), { recursive: true });
      }
      const before = knownStacks(backend);
      expect([...before].sort()).toEqual(["benchz", "cliy", "dev", "e2eabc", "fltx-clikill", "old", "tlsnew"]);

      expect(removeStackLeftovers(backend, "dev")).toBe(false);
      expect(removeStackLeftovers(backend, "..")).toBe(false);
      expect(pruneRemovedStacks(backend, new Set(["old", "benchz"]))).toEqual(["e2eabc", "fltx-clikill"]);
      expect(fs.readdirSync(stacks).sort()).toEqual(
        files.filter((f) => !f.startsWith("e2eabc.") && !f.startsWith("fltx-clikill.")).sort(),
      );
      for (const d of dirs) expect(fs.readdirSync(path.join(p, d)).sort()).toEqual(["dev", "old", "tlsnew"]);
    } finally {
      fs.rmSync(backend, { recursive: true, force: true });
    }
  });

  it("keeps a killed CLI's temp file while it is young (a write may still be going on)", () => {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "leftovers-"));
    try {
      const stacks = path.join(backend, ".pulumi", "stacks", "secure-storage");
      fs.mkdirSync(stacks, { recursive: true });
      for (const f of ["x.json.bak", "x.json.0123abcd.tmp"]) fs.writeFileSync(path.join(stacks, f), "{}");
      expect(removeStackLeftovers(backend, "x")).toBe(true);
      expect(fs.readdirSync(stacks)).toEqual(["x.json.0123abcd.tmp"]);
    } finally {
      fs.rmSync(backend, { recursive: true, force: true });
    }
  });
});
