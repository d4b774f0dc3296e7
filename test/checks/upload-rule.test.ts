import { describe, expect, it } from "vitest";
import { expectedUploadRule } from "../../checks/upload-rule";

const uploads = [
  { prefix: "workspaces/", maxBytes: 10, contentTypes: ["application/pdf"] },
  { prefix: "workspaces/raw/", maxBytes: 100, contentTypes: ["text/csv"] },
  { maxBytes: 1000, contentTypes: ["application/json"] },
];

describe("the checker's own reading of upload rules", () => {
  it.each([
    ["workspaces/raw/a.csv", 100],
    ["workspaces/ws-1/a.pdf", 10],
    ["other/a.json", 1000],
  ])("%s -> maxBytes %i (longest prefix, else the rule without one)", (key, maxBytes) => {
    expect(expectedUploadRule({ uploads }, key)?.maxBytes).toBe(maxBytes);
  });

  it("no rules, no limit of its own", () => {
    expect(expectedUploadRule({ uploads: [] }, "x")).toBeUndefined();
    expect(expectedUploadRule({}, "x")).toBeUndefined();
  });
});
