import { describe, expect, it } from "vitest";
import { abacCondition, BUILTIN_ROLES, DATA_ACTIONS, roleFor, sasPermissions } from "../../components/azure/grants";

describe("Azure grants", () => {
  it("SAS permissions are exactly the spec's, in Azure's order", () => {
    expect(sasPermissions(["read"])).toBe("r");
    expect(sasPermissions(["write"])).toBe("cw");
    expect(sasPermissions(["list", "read"])).toBe("rl");
    expect(sasPermissions(["delete", "list", "write", "read"])).toBe("rcwdl");
  });

  it("roles: Reader for read/list, Contributor when reading and modifying, custom role without read", () => {
    expect(roleFor(["read", "list"])).toEqual({ kind: "builtin", name: "Storage Blob Data Reader", guid: BUILTIN_ROLES["Storage Blob Data Reader"] });
    expect(roleFor(["read", "write"])).toMatchObject({ kind: "builtin", name: "Storage Blob Data Contributor" });
    expect(roleFor(["write"])).toEqual({ kind: "custom", dataActions: [DATA_ACTIONS.add, DATA_ACTIONS.write] });
    expect(roleFor(["write", "delete"])).toEqual({ kind: "custom", dataActions: [DATA_ACTIONS.add, DATA_ACTIONS.delete, DATA_ACTIONS.write] });
  });

  it("whole-container read+list needs no condition; list-only denies reads; read-only denies listing", () => {
    expect(abacCondition({ access: ["read", "list"], prefixes: [] })).toBeUndefined();
    expect(abacCondition({ access: ["list"], prefixes: [] })).toBe(
      "(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})\n)",
    );
    expect(abacCondition({ access: ["read"], prefixes: [] })).toBe(
      "(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND SubOperationMatches{'Blob.List'})\n)",
    );
  });

  it("scoped Contributor: every granted action limited to the prefixes, ungranted delete and renames denied", () => {
    const c = abacCondition({ access: ["read", "write"], prefixes: ["users/"] })!;
    const clauses = c.split("\nAND\n");
    expect(clauses).toHaveLength(6); // read, list (denied), write, add, delete (denied), move (denied)
    expect(clauses[0]).toContain("AND NOT SubOperationMatches{'Blob.List'}");
    expect(clauses[0]).toContain("blobs:path] StringStartsWith 'users/'");
    expect(clauses[1]).toBe("(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND SubOperationMatches{'Blob.List'})\n)");
    expect(clauses[2]).toContain("blobs/write'})");
    expect(clauses[2]).toContain("StringStartsWith 'users/'");
    expect(clauses[3]).toContain("blobs/add/action'})");
    expect(clauses[4]).toBe("(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})\n)");
    expect(clauses[5]).toBe("(\n !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action'})\n)");
  });

  it("a write-only custom role scoped to a prefix never mentions read", () => {
    const c = abacCondition({ access: ["write"], prefixes: ["in/"] })!;
    expect(c).not.toContain("blobs/read");
    expect(c.split("\nAND\n")).toHaveLength(2);
  });

  it("quotes prefixes safely", () => {
    expect(abacCondition({ access: ["read"], prefixes: ["o'brien/"] })).toContain("StringStartsWith 'o''brien/'");
  });
});
